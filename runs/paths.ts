/**
 * Where the project's own files are, resolved from this module's location in
 * dist/runs/, so commands, tests and the bench find the bundled examples and
 * ../shared/data wherever the checkout lives.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DATA_DIR = join(REPO_ROOT, '..', 'shared', 'data');
