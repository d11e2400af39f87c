import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/server/http/escape-html';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('neutralises a tag and an attribute break-out', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml('" onmouseover="x')).toBe('&quot; onmouseover=&quot;x');
  });

  it('escapes an ampersand only once per pass and leaves other text alone', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('Grüße – 10 = äußerst')).toBe('Grüße – 10 = äußerst');
    expect(escapeHtml('')).toBe('');
  });
});
