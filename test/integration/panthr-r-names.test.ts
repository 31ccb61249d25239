/**
 * PanthR.r's parts share one global environment: a name defined in two files silently
 * replaces the one sourced earlier (two `.panthr_code_args` once broke every graph's
 * r_code). Every top-level name is defined in one file only.
 */
import assert from 'node:assert/strict';
import { runRJson } from '../fixtures/r/run-r.ts';

describe('PanthR.r names', function () {
  this.timeout(60_000);

  it('defines each top-level name in one file only', async () => {
    assert.deepEqual(await runRJson('names.R'), {});
  });
});
