/** HTML escaping lives in core (pure, used by core/alerts.ts too); re-exported for the server's imports. */
export { escapeHtml } from '../../core/escape-html';
