/**
 * The CSV of a dataset in an export (server/reports/csv-export.ts): datetimes as R's
 * write.csv writes a POSIXct, the date alone when every value is a midnight.
 */
import assert from 'node:assert/strict';
import { datasetCsv } from '../../server/reports/csv-export.ts';

describe('reports: a dataset as CSV', () => {
  it('writes a column of midnights as dates, any other datetime column with its times', () => {
    const day = 86_400;
    const csv = datasetCsv({
      type: 'dataset',
      name: 'd',
      variables: [
        { type: 'vector', name: 'visit', variableType: 'datetime', values: [19760 * day, null] },
        { type: 'vector', name: 'at', variableType: 'datetime', values: [19760 * day, 1.5] },
      ],
    });
    assert.equal(csv, '"visit","at"\n2024-02-07,2024-02-07 00:00:00\n,1970-01-01 00:00:01.500\n');
  });
});
