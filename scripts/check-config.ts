/** `scripts/check-config FILE`: validates a configuration file without starting anything. */
import { ConfigError, loadConfig } from '../server/config/index.ts';

const file = process.argv[2] ?? 'panthr_config.json';
try {
  const config = loadConfig(file);
  process.stdout.write(`${file}: valid (port ${config.port}, data_dir ${config.data_dir})\n`);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
