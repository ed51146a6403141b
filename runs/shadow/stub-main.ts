/**
 * Entry point of the stub process:
 *   node dist/runs/shadow/stub-main.js CONFIG.json
 * Serves every stubbed node of the shadow on one port (stub-server.ts).
 */
import { parseStubConfig } from '../../twins/shadow/stub-config.js';
import { Stub } from './stub-server.js';
import { runShadowProcess } from './process-main.js';

runShadowProcess('stub', parseStubConfig, async (config) => {
  const stub = new Stub(config);
  return { port: await stub.listen(), label: `stub nodes=${Object.keys(config.nodes).join(',')}` };
});
