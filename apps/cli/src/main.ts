import { run } from './cli';

void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  progress: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
