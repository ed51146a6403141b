/** The bundled example twins, found from this module's place in dist/twins/examples/ (the YAML stays in the source tree). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'twins', 'examples');

export const exampleFile = (name: 'shop.yaml' | 'jackson.yaml' | 'network.yaml' | 'shop-state.json' | 'policy.yaml' | 'nightly.yaml'): string => join(SOURCE_DIR, name);
