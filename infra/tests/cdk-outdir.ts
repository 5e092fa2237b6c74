import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A CDK App given no outdir synthesises into a new temporary directory (cdk.outXXXXXX) and leaves it
// behind. Every App of a test file writes into this one instead, removed when the file is done.
const outdir = mkdtempSync(join(tmpdir(), 'infra-tests-cdk-out-'));
process.env['CDK_OUTDIR'] = outdir;
afterAll(() => {
  delete process.env['CDK_OUTDIR'];
  rmSync(outdir, { recursive: true, force: true });
});
