/**
 * Record / Export / Import controls, appended to the toolbar. They drive {@link Recording} and
 * report every outcome (or failure) in the status bar.
 */
import type { PanelApp } from '../app.js';
import { download, skippedText, type Recording } from '../recording.js';
import { UIStrings } from '../strings.js';

/** Adds the controls to the app's toolbar. `inspectedUrl` names the session and export files. */
export function addRecordBar(app: PanelApp, recording: Recording, inspectedUrl: () => string): void {
  const record = button('record', UIStrings.record);
  const exportNdjson = button('export-ndjson', UIStrings.exportNdjson);
  const exportHar = button('export-har', UIStrings.exportHar);
  const importButton = button('import', UIStrings.importLog);
  const file = document.createElement('input');
  file.type = 'file';
  file.accept = '.ndjson,.jsonl,.har,.json';
  file.className = 'import-file';
  file.hidden = true;

  const fail = (what: string) => (error: unknown) => app.report(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, true);

  const showState = (): void => {
    record.textContent = recording.recording ? UIStrings.stopRecording : UIStrings.record;
    record.classList.toggle('active', recording.recording);
  };
  // A recording that stopped by itself (a failed write) leaves the button saying Record again.
  recording.onStopped = showState;
  record.addEventListener('click', () => {
    const starting = !recording.recording;
    record.disabled = true;
    (starting ? recording.start(inspectedUrl()) : recording.stop())
      .then(showState, fail(starting ? 'starting the recording' : 'stopping the recording'))
      .finally(() => (record.disabled = false));
  });

  const exportAs = (format: 'ndjson' | 'har') => () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    recording
      .export(app.frames.all(), format, inspectedUrl())
      .then(({ text, count, skipped }) => {
        const name = `clasp-${stamp}.${format}`;
        download(text, name, format === 'har' ? 'application/json' : 'application/x-ndjson');
        app.report(`exported ${count} frames to ${name}${skippedText(skipped)}`);
      }, fail('export'));
  };
  exportNdjson.addEventListener('click', exportAs('ndjson'));
  exportHar.addEventListener('click', exportAs('har'));

  importButton.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (chosen === undefined) return;
    recording.import(chosen, chosen.name).then((frames) => app.addImported(frames), fail(`import of ${chosen.name}`));
  });

  const group = document.createElement('span');
  group.className = 'record-bar';
  group.append(record, exportNdjson, exportHar, importButton, file);
  app.toolbar.element.append(group);
}

function button(className: string, text: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  return b;
}
