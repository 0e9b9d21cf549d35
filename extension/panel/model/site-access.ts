/**
 * Why a page has no capture, and what the user can do about it: the panel's advice when no content
 * script of the extension runs in the inspected page. Pure; unit-tested.
 *
 * @packageDocumentation
 */
import { UIStrings } from '../strings.js';

/**
 * - `not-http`: the page is not http(s) (the content scripts only match http and https);
 * - `no-access`: Chrome withholds the site from the extension (site access "On click" or "On
 *   specific sites"): allowing it needs the user's grant, then a reload;
 * - `not-loaded`: the extension may run here but the page has no content script (it loaded before
 *   the extension was installed, updated or allowed): a reload is enough.
 */
export type SiteAccessReason = 'not-http' | 'no-access' | 'not-loaded';

/** The advice shown in the panel's banner. */
export interface SiteAccessAdvice {
  readonly reason: SiteAccessReason;
  readonly text: string;
  /** The button offered: grant site access then reload, reload only, or none. */
  readonly action: 'allow-and-reload' | 'reload' | null;
  /** The origin pattern to request (`https://example.com/*`), for `allow-and-reload`. */
  readonly origin: string | null;
}

/** The `chrome.permissions` pattern of a page's origin, or null when the URL is not http(s). */
export function originPattern(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `${parsed.protocol}//${parsed.hostname}/*` : null;
}

/**
 * The advice for a page without capture.
 * @param url the inspected page's URL ('' when unknown)
 * @param hasAccess whether the extension holds host access to that origin (null when unknown)
 */
export function siteAccessAdvice(url: string, hasAccess: boolean | null): SiteAccessAdvice {
  const origin = originPattern(url);
  if (origin === null && url !== '') return { reason: 'not-http', text: UIStrings.noAccessNotHttp, action: null, origin: null };
  if (hasAccess === false) return { reason: 'no-access', text: UIStrings.noAccessSite, action: 'allow-and-reload', origin };
  return { reason: 'not-loaded', text: UIStrings.noAccessReload, action: 'reload', origin };
}
