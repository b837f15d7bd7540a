import { createHmac, timingSafeEqual } from 'node:crypto';

/** A requester's tracking token: an HMAC of the ticket number, so it is never stored and any process can check it. */
export function trackingToken(secret: string, number: string): string {
  return createHmac('sha256', secret).update(`track:${number}`).digest('base64url').slice(0, 22);
}

export function isTrackingToken(secret: string, number: string, candidate: string): boolean {
  const expected = Buffer.from(trackingToken(secret, number));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function trackingUrl(publicUrl: string, secret: string, number: string): string {
  return `${publicUrl.replace(/\/$/, '')}/t/${encodeURIComponent(number)}?token=${trackingToken(secret, number)}`;
}
