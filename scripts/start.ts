/**
 * `npm start`: the same as ./start.sh once dependencies are installed. It runs `hivematrix start`,
 * which launches the helm daemon in the background and returns when every service is ready.
 */
import { main } from '../services/helm/src/cli/main.js';

process.exitCode = await main(['start', ...process.argv.slice(2)]);
