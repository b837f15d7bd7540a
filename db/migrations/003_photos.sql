-- Photos attached to reports from the QR form. Checked by magic bytes before they are stored;
-- served only with their stored image type, never as HTML.
CREATE TABLE ticket_photos (
  id             bigserial PRIMARY KEY,
  ticket_number  text NOT NULL,
  content_type   text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes     integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
  bytes          bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_photos_ticket ON ticket_photos (ticket_number, id);
