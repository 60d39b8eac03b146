// Loaded with `node --import` by the network-error tests: every name lookup but loopback's fails
// as getaddrinfo fails without DNS (code from DNS_FAILURE_CODE, default ENOTFOUND), so no query
// leaves the machine.
import dns from 'node:dns';

const original = dns.lookup;
const code = process.env.DNS_FAILURE_CODE ?? 'ENOTFOUND';
(dns as unknown as { lookup: (...args: unknown[]) => void }).lookup = function lookup(this: unknown, ...args: unknown[]) {
  const hostname = String(args[0]);
  if (hostname === 'localhost' || /^[\d.:]+$/.test(hostname)) return (original as unknown as (...a: unknown[]) => void).apply(this, args);
  const callback = args.find((a): a is (error: Error) => void => typeof a === 'function')!;
  const error = Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, syscall: 'getaddrinfo', hostname });
  process.nextTick(() => callback(error));
};
