import { createTransport } from 'nodemailer';

/** One plain-text message to one address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail; `send` resolves once the SMTP server accepted the message and rejects otherwise. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Closes any open SMTP connection; call at shutdown. */
  close(): void;
}

/**
 * Bounds on one delivery, so a silent server fails the attempt (and the outbox retries it later)
 * instead of holding a dispatcher for nodemailer's defaults of minutes.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * A mailer over SMTP, or null when SMTP is not configured (no URL): callers then keep e-mail in the outbox.
 * `smtpUrl` is e.g. `smtp://user:pass@mail.example.edu.cn:587` (STARTTLS when offered) or `smtps://…:465`;
 * `from` is the sender, e.g. `"网络与信息中心" <nic-desk@example.edu.cn>`.
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer | null {
  if (smtpUrl == null || smtpUrl.trim() === '') return null;
  const transport = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
  return {
    async send({ to, subject, text }) {
      await transport.sendMail({ from, to, subject, text });
    },
    close: () => transport.close(),
  };
}
