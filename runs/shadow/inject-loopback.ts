/**
 * The shadow only ever talks to itself: the injector and the scraper refuse
 * any URL that is not plain HTTP to a loopback host (127.0.0.0/8, localhost,
 * [::1]), so a mistyped plan cannot load-test someone else's service.
 */
import { isIPv4 } from 'node:net';

export class NotLoopbackError extends Error {
  constructor(url: string, why: string) {
    super(`refusing ${url}: ${why} (the shadow injects and scrapes loopback only: 127.0.0.0/8, localhost, [::1])`);
    this.name = 'NotLoopbackError';
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  return isIPv4(h) && h.split('.')[0] === '127';
}

/** The parsed URL, or NotLoopbackError. */
export function loopbackUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NotLoopbackError(url, 'not a URL');
  }
  if (u.protocol !== 'http:') throw new NotLoopbackError(url, `protocol ${u.protocol} (http: only)`);
  if (!isLoopbackHost(u.hostname)) throw new NotLoopbackError(url, `host ${u.hostname} is not loopback`);
  return u;
}
