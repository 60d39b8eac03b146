// WebSocket close codes both ends use: the standard ones (RFC 6455, IANA) and the client's own.
export const CLOSE_CODES = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  /** Received when a close frame carried no code. */
  NO_STATUS: 1005,
  /** Received when the socket went without a close frame. */
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
  /** The client dropped the socket itself: an interrupt, a cancel, a timed-out or failed request. */
  CLIENT_DROPPED: 4000,
} as const;
