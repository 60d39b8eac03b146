// How a proxy is named in messages: scheme, host and port, never its credentials.

/** A proxy URL without its user name and password, for messages. */
export function shownProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(the proxy)';
  }
}
