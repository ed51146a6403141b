/**
 * Entry point of an emulator process:
 *   node dist/runs/shadow/emulator-main.js CONFIG.json
 * Listens where the configuration says (the materialiser writes 127.0.0.1,
 * port 0), announces its port (process-ready.ts), then injects the node's
 * predicted initial work. SIGTERM or SIGINT: exit at once (in-flight requests
 * are abandoned, as a killed replica's would be; the OS frees the port).
 */
import { parseEmulatorConfig } from '../../twins/shadow/emulator-config.js';
import { Emulator } from './emulator-server.js';
import { runShadowProcess } from './process-main.js';

runShadowProcess('emulator', parseEmulatorConfig, async (config) => {
  const emulator = new Emulator(config);
  return { port: await emulator.listen(), label: `emulator node=${config.node}`, afterReady: () => emulator.preload() };
});
