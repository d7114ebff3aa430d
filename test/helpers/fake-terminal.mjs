// Preloaded (node --import) into a CLI process under test to make it believe stdout and stderr are a
// terminal of FAKE_COLUMNS columns: how the table, colours and progress bar behave on one, without a pty.
const columns = Number(process.env.FAKE_COLUMNS ?? 80);
for (const stream of [process.stdout, process.stderr]) {
  Object.defineProperty(stream, 'isTTY', { value: true });
  Object.defineProperty(stream, 'columns', { value: columns });
}
