// Unique values for signed test deliveries: each is a new change, never a replay of another test's.
let sequence = 0;

/**
 * A time no other delivery of this test file has had: each signed delivery is a new change, as on the
 * platform (Shopify's updated_at, Saleor's issuedAt, ...), so one test's delivery is never taken for a replay
 * of another's. `seconds` for platforms whose timestamps have no milliseconds.
 */
export function freshTime(unit: 'ms' | 's' = 'ms'): string {
  sequence += 1;
  const iso = new Date(Date.UTC(2026, 10, 23, 10) + sequence * (unit === 's' ? 1000 : 1)).toISOString();
  return unit === 's' ? iso.slice(0, 19) : iso;
}
