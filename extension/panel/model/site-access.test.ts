/**
 * What's tested (issue 13, item 10, panel side): the advice for a page without capture says why
 * and offers the action that works: grant site access and reload, reload only, or nothing for a
 * page that is not http(s).
 */
import { expect, test } from 'vitest';
import { UIStrings } from '../strings.js';
import { originPattern, siteAccessAdvice } from './site-access.js';

test('origin patterns are for http(s) pages only', () => {
  expect(originPattern('https://example.com:8443/a?b')).toBe('https://example.com/*');
  expect(originPattern('http://127.0.0.1:3000/')).toBe('http://127.0.0.1/*');
  expect(originPattern('file:///tmp/x.html')).toBeNull();
  expect(originPattern('chrome://extensions')).toBeNull();
  expect(originPattern('not a url')).toBeNull();
});

test('site access withheld ("On click" / specific sites): explain, and offer to allow and reload', () => {
  const advice = siteAccessAdvice('https://example.com/app', false);
  expect(advice).toMatchObject({ reason: 'no-access', action: 'allow-and-reload', origin: 'https://example.com/*' });
  expect(advice.text).toContain('On click');
  expect(advice.text).toContain('reload');
});

test('access granted but no content script: reload to capture', () => {
  expect(siteAccessAdvice('https://example.com/', true)).toMatchObject({ reason: 'not-loaded', action: 'reload', text: UIStrings.noAccessReload });
  expect(siteAccessAdvice('', null)).toMatchObject({ reason: 'not-loaded', action: 'reload' });
});

test('a page that is not http(s): say so, no button', () => {
  expect(siteAccessAdvice('file:///tmp/x.html', null)).toMatchObject({ reason: 'not-http', action: null, text: UIStrings.noAccessNotHttp });
});
