/** The import dialog's guesses: separator, decimal mark, and a valid name from any text. */
import assert from 'node:assert/strict';
import { guessCsvOptions, validNameFrom } from '../../client/src/csv-detect.ts';

describe('client: CSV options guessed before import', () => {
  it('finds ";" with decimal commas, and keeps "," with points', () => {
    assert.deepEqual(guessCsvOptions('len;supp;dose\n4,2;VC;0,5\n11,5;VC;1\n'), {
      separator: ';',
      decimal: ',',
    });
    assert.deepEqual(guessCsvOptions('a,b\n1.5,2\n3,4\n'), { separator: ',', decimal: '.' });
    assert.deepEqual(guessCsvOptions('a;b\n1.5;2\n3;4\n'), { separator: ';', decimal: '.' });
    assert.deepEqual(guessCsvOptions('a\tb\n1,5\t2\n'), { separator: '\t', decimal: ',' });
  });

  it('ignores separators inside quotes and ragged candidates', () => {
    assert.deepEqual(guessCsvOptions('"x;y",b\n"1;2",3\n'), { separator: ',', decimal: '.' });
    assert.deepEqual(guessCsvOptions('a;b,c\n1;2\n'), { separator: ';', decimal: '.' });
  });

  it('derives a valid dataset name from what was typed', () => {
    assert.equal(validNameFrom('Müller_daten'), 'Muller_daten');
    assert.equal(validNameFrom('Straße 2024'), 'Strasse_2024');
    assert.equal(validNameFrom('2024 data'), 'd_2024_data');
    assert.equal(validNameFrom('ü'), 'u');
    assert.equal(validNameFrom('!!!'), 'data');
    assert.match(validNameFrom('x'.repeat(100)), /^x{64}$/);
  });
});
