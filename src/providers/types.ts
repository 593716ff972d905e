// The one interface every webhook provider satisfies, and the ContentEvent they all produce.
import type * as z from 'zod/mini';

export const CONTENT_ACTIONS = ['publish', 'unpublish', 'create', 'update', 'delete', 'archive'] as const;
export type ContentAction = (typeof CONTENT_ACTIONS)[number];

/** A content change, whatever platform sent it. Rules match on it; templates read from it. */
export interface ContentEvent {
  eventId: string;
  source: string;
  provider: string;
  action: ContentAction;
  /** The platform's own name for what happened, e.g. `ContentManagement.Entry.publish`. */
  topic: string;
  contentType?: string;
  documentId?: string;
  locales: string[];
  /** The document's fields (for one locale when the platform sends several; see `localized`). */
  fields: Record<string, unknown>;
  /** Fields per locale, for platforms that send every locale in one payload (Contentful). */
  localized?: Record<string, Record<string, unknown>>;
  /** Values before the change, where the platform sends them (old slug, ...). */
  previous?: Record<string, unknown>;
  /** The platform's delivery or idempotency id as sent (shown in logs; it may be unsigned: see `unsigned`). */
  deliveryId?: string;
  /**
   * The fields whose value came from a header the signature does not cover (Shopify's topic, Saleor's
   * event, ...): they may select rules, but path and tag templates never read them, and a removal whose
   * action came from one purges the document's remembered paths without forgetting them.
   */
  unsigned?: UnsignedField[];
  receivedAt: number;
}

/** Event fields a provider may have taken from an unsigned header. */
export type UnsignedField = 'action' | 'topic' | 'contentType' | 'deliveryId';

export type NormalizedEvent = Omit<ContentEvent, 'eventId' | 'source' | 'provider' | 'receivedAt'>;

/**
 * What identifies a delivery for de-duplication (docs/providers.md, "Redeliveries and replays"): the
 * platform's own id when the signature covers it (or when a token, not a signature, authenticates the
 * whole request), otherwise the exact bytes the signature covers. The relay keeps only a SHA-256 of it.
 */
export type DeliveryIdentity = { id: string } | { signed: readonly Uint8Array[] };

/** A webhook request as received: the raw bytes are what platforms sign, never re-serialized JSON. */
export interface WebhookRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

/** What the providers read of a source's config entry (the config schema, rules/schema.ts, has it all). */
export interface SourceSettings {
  /** Names of the Worker secrets that hold its signing secrets or tokens. */
  secrets: readonly string[];
  /** Its provider options, parsed by the provider's own schema. */
  options?: unknown;
  /** Its replay window, when it sets one. */
  toleranceSeconds?: number;
}

export interface VerifyContext<Options> {
  /** The source's id in the config: public keys are cached per source. */
  source: string;
  /** The source's secrets, newest first; any one may match (rotation). Empty when `usesSecrets` is false. */
  secrets: readonly string[];
  options: Options;
  /** How far a signed timestamp may be from `now`, in ms. */
  toleranceMs: number;
  now: number;
}

/** What `purge-relay doctor` checks of a source beyond its secrets being set (src/doctor/); every part optional. */
export interface ProviderAudit<Options> {
  /** The platform's own rule for its secret: why this one breaks it (naming the rule's source), or undefined. */
  secretProblem?(secret: string): string | undefined;
  /** The secret itself travels in a header (no signature): only HTTPS keeps it from being read on the way. */
  sharedToken?(options: Options): boolean;
  /** The key URLs verification fetches with these options, each with the algorithm its keys are imported for. */
  keyUrls?(options: Options): { url: string; algorithm: SubtleCryptoImportKeyAlgorithm }[];
  /** Why a source with these options verifies weakly, and what to set, or undefined. */
  weakness?(options: Options): string | undefined;
}

/** A platform's own control message (an SNS subscription confirmation), answered 200 instead of becoming an event. */
export interface Handshake {
  /** The platform's name for it, e.g. `SubscriptionConfirmation`. */
  topic: string;
  /** What the relay did, for the answer and the Deliveries page. */
  message: string;
}

export interface WebhookProvider<Options = Record<string, unknown>> {
  readonly name: string;
  /** Options a source of this provider may set in the config, validated when the config is saved. */
  readonly options: z.ZodMiniType<Options>;
  /** False when these options verify with public keys alone (JWKS, certificates): no secret is needed. */
  usesSecrets?(options: Options): boolean;
  /** The platform's own replay window in ms, or undefined when it signs no timestamp. */
  readonly defaultToleranceMs: number | undefined;
  /** Throws a 401 RelayError unless the request is signed as the platform signs it. */
  verify(request: WebhookRequest, context: VerifyContext<Options>): Promise<void>;
  /** After `verify`: handles the platform's control messages itself; undefined for a content delivery. */
  handshake?(request: WebhookRequest, options: Options): Promise<Handshake | undefined>;
  /**
   * Reads the verified payload into one event per changed document (none for a delivery that changes
   * nothing, such as Contentstack's `publish.start`); throws a 400 RelayError on a bad shape.
   */
  normalize(request: WebhookRequest, payload: unknown, options: Options): NormalizedEvent[];
  /** What identifies this delivery for de-duplication; undefined when nothing does (see DeliveryIdentity). */
  identify(request: WebhookRequest, payload: unknown, options: Options): DeliveryIdentity | undefined;
  /** HTTP methods the platform can be configured to send with, besides POST (Contentful, Sanity, Hygraph). */
  readonly methods?: readonly string[];
  /**
   * Recognises the platform's unsigned connectivity check (WooCommerce's ping when a webhook is saved),
   * answered 200 without verifying or queuing anything; returns what to answer, or undefined.
   */
  ping?(request: WebhookRequest): Record<string, unknown> | undefined;
  /**
   * Problems with these options that refuse a config when it is saved, but not one already stored (a rule
   * added later: the stored config still loads, and `verify` refuses that source's deliveries as a setup error).
   * Given the options as written, parsed or not, so that every problem is reported at once.
   */
  saveProblems?(options: Readonly<Record<string, unknown>>): { path: PropertyKey[]; message: string }[];
  /** What `doctor` checks of a source of this provider: its secret's rule, key URLs, weak options. */
  readonly audit?: ProviderAudit<Options>;
}
