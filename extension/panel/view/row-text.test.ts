import { describe, expect, it } from 'vitest';
import { COLUMNS, GAP, fitColumn, rowFields, rowLine } from './row-text.js';

describe('fitColumn', () => {
  it('pads short text to the width, then adds the column gap', () => {
    expect(fitColumn('SET', 6, false)).toBe('SET     ');
    expect(fitColumn('44 B', 6, true)).toBe('  44 B  ');
  });

  it('keeps text of exactly the width whole', () => {
    expect(fitColumn('/a/b/c', 6, false)).toBe('/a/b/c  ');
  });

  it('cuts longer text with an ellipsis so that every row keeps its columns aligned', () => {
    const fitted = fitColumn('/lights/stage/left/dimmer', 10, false);
    expect(fitted).toBe('/lights/s…  ');
    expect(fitted.length).toBe(fitColumn('x', 10, false).length);
  });

  it('leaves the last column (width 0) as it is', () => {
    expect(fitColumn('= 0.5 rev 1', 0, false)).toBe('= 0.5 rev 1');
  });
});

describe('rowLine / rowFields', () => {
  const fields = ['12:34:56.789', '+0.4 ms', '↓', 'e2e-transport', 'SET', '/e2e/transport/level', 'Confirm', '27 B', '/e2e/transport/level = 0.5 rev 1'];

  it('puts every column at the same character offset in every row', () => {
    const a = rowLine(fields);
    const b = rowLine(['00:00:00.000', '', '↑', 'x', 'PING', '', '', '1.5 KiB', '']);
    const start = (column: number): number => COLUMNS.slice(0, column).reduce((at, c) => at + c.width + GAP.length, 0);
    for (let c = 1; c < COLUMNS.length; c++) {
      const at = start(c);
      expect(a[at - 1]).toBe(' ');
      expect(b[at - 1]).toBe(' ');
    }
    expect(a.indexOf('SET')).toBe(b.indexOf('PING'));
  });

  it('reads back the fields of a line', () => {
    expect(rowFields(rowLine(fields))).toEqual(fields);
  });

  it('reads a cut field with its ellipsis', () => {
    const long = [...fields];
    long[5] = '/a/very/long/address/that/does/not/fit';
    expect(rowFields(rowLine(long))[5]).toBe('/a/very/long/address/that/d…');
    expect(rowFields(rowLine(long))[8]).toBe(fields[8]);
  });
});
