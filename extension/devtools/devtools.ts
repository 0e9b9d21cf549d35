/**
 * devtools_page: runs (hidden) once per opened DevTools window. Its only job is to create the CLASP
 * panel once; the panel page itself connects to the service worker when it is first shown.
 */
void chrome.devtools.panels.create('CLASP', '', 'extension/panel/panel.html');
