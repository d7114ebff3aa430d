// Preloaded (node --import) into a process under benchmark: writes its peak resident set size in bytes to
// MAX_RSS_FILE when it exits. process.resourceUsage().maxRSS is in kilobytes on every platform Node runs on.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.MAX_RSS_FILE) writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
