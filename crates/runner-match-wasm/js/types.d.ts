// The package's TypeScript declarations besides the exported functions and classes
// (which wasm-bindgen declares): the result shapes, which the core crate defines
// (`runner_match::report`, serialized with serde), the argument shapes the glue reads
// field by field, and the error codes. Included in runner_match.d.ts (src/lib.rs);
// `tests/types.test.mjs` type-checks them against a consumer.

/**
 * A fleet tag a hint suggests.
 */
export interface SuggestionReport {
    /**
     * The tag exactly as runners carry it.
     */
    tag: string;
    /**
     * How many active runners carry it.
     */
    runners: number;
    /**
     * `case`, `whitespace` or `typo`.
     */
    similarity: SimilarityKind;
}

/**
 * A near miss: a required tag no runner has, and fleet tags it probably meant.
 */
export interface HintReport {
    /**
     * The tag as written.
     */
    tag: string;
    /**
     * Likely intended fleet tags, best first.
     */
    suggestions: SuggestionReport[];
    /**
     * The hint in words.
     */
    message: string;
}

/**
 * A runner in ComfyControl's wire format (snake_case): as `GET /v1/managed-runner`
 * lists it, or as `GET /v1/runner` does for a self-hosted runner, without its `headers`
 * and with its `endpoint`'s credentials removed. `listRunners()` returns these and
 * `matchRunners` accepts them (a self-hosted one stays self-hosted).
 */
export interface ApiRunner {
    /**
     * The runner's UUID.
     */
    id: string;
    /**
     * Display name.
     */
    name: string;
    /**
     * `plus` | `pro` (other values are tolerated).
     */
    runner_type?: string;
    /**
     * `active` | `disabled` (other values are tolerated and never match).
     */
    status: string;
    /**
     * Tags used for matching; compared exactly (case-sensitive).
     */
    tags: string[];
    /**
     * ISO 8601 UTC.
     */
    created_at: string;
    /**
     * ISO 8601 UTC.
     */
    updated_at: string;
    /**
     * Self-hosted runners only: the owner's user id.
     */
    user_id?: string;
    /**
     * Self-hosted runners only: the ComfyUI endpoint without credentials (user info,
     * query and fragment removed). The runner's `headers` are never returned.
     */
    endpoint?: string;
}

/**
 * A runner that can run the workflow, best fit first. Flat and `console.table`-friendly.
 */
export interface RunnerMatch {
    /**
     * The runner's UUID.
     */
    id: string;
    /**
     * Display name.
     */
    name: string;
    /**
     * `plus` / `pro` for managed runners; absent for self-hosted ones.
     */
    runnerType?: string;
    /**
     * `active` (only active runners match).
     */
    status: string;
    /**
     * All of the runner's tags.
     */
    tags: string[];
    /**
     * ISO 8601 creation time, as the API sent it.
     */
    createdAt: string;
    /**
     * ISO 8601 last-update time, as the API sent it.
     */
    updatedAt: string;
    /**
     * Fit in [0, 1]: 1 for an exact tag match, lower when over-qualified, 0.5 for an
     * untagged runner taking a tagged workflow.
     */
    score: number;
    /**
     * Why it matches.
     */
    fit: FitKind;
    /**
     * The runner's tags the workflow asked for.
     */
    matchedTags: string[];
    /**
     * The runner's tags the workflow did not ask for (what makes it over-qualified).
     */
    extraTags: string[];
    /**
     * Which listing the runner came from.
     */
    source: SourceKind;
}

/**
 * A score, term by term.
 */
export interface BreakdownReport {
    /**
     * How well the tags fit, in [0.5, 1] (0.5: an untagged runner).
     */
    fitScore: number;
    /**
     * The satisfied share of the preference weight, when there are preferences.
     */
    preferenceScore?: number;
    /**
     * Each preference and whether the runner satisfies it.
     */
    terms: TermReport[];
    /**
     * The final score.
     */
    score: number;
}

/**
 * A suggested change to the requirement.
 */
export interface ChangeReport {
    /**
     * `drop_tag` or `drop_clause`.
     */
    kind: ChangeKind;
    /**
     * The tag or clause to drop.
     */
    subject: string;
    /**
     * How many runners would then match.
     */
    runners: number;
    /**
     * The change in words: `drop "eu-west": 12 runners would match`.
     */
    message: string;
}

/**
 * A workflow, as diagnosed.
 */
export interface WorkflowReport {
    /**
     * The workflow's UUID.
     */
    id: string;
    /**
     * Its name.
     */
    name: string;
    /**
     * `accepted`, `uploaded` or `queued`.
     */
    status: string;
    /**
     * The tags it was submitted with; all are required.
     */
    tags: string[];
    /**
     * ISO 8601, as the API sent it.
     */
    createdAt: string;
    /**
     * How long it has waited, in ms (now − `createdAt`, never negative).
     */
    waitedMs: number;
}

/**
 * How a suggested tag resembles the written one.
 */
export type SimilarityKind = "case" | "whitespace" | "typo";

/**
 * How one requested source fared.
 */
export interface SourceReport {
    /**
     * The listing.
     */
    source: SourceKind;
    /**
     * `ok`: read completely; `unavailable`: contributes no runners, for `reason`.
     */
    status: SourceStatusKind;
    /**
     * How many runners it contributed.
     */
    runners: number;
    /**
     * Why it is unavailable: `no_managed_runners` (a 403 on managed runners while the
     * self-hosted listing loaded: the account's tier has none).
     */
    reason?: string;
    /**
     * The reason in words.
     */
    message?: string;
}

/**
 * One preference's part in a score.
 */
export interface TermReport {
    /**
     * The term (`gpu-h100`, `type:pro`).
     */
    term: string;
    /**
     * `prefer` or `avoid`.
     */
    kind: TermKind;
    /**
     * Its weight.
     */
    weight: number;
    /**
     * Whether the runner satisfies it.
     */
    satisfied: boolean;
}

/**
 * One reason a runner cannot run the workflow.
 */
export interface ReasonReport {
    /**
     * What kind of reason.
     */
    kind: ReasonKind;
    /**
     * The tag, pattern, type or clause concerned, when there is one.
     */
    subject?: string;
    /**
     * The reason as a sentence fragment (`lacks "gpu-a100"`).
     */
    message: string;
}

/**
 * One runner's verdict.
 */
export interface RunnerVerdict {
    /**
     * The runner's id.
     */
    id: string;
    /**
     * The runner's name.
     */
    name: string;
    /**
     * Which listing the runner came from.
     */
    source: SourceKind;
    /**
     * Whether it can run the workflow.
     */
    matched: boolean;
    /**
     * Its score (matches only).
     */
    score?: number;
    /**
     * Why it matches (matches only).
     */
    fit?: FitKind;
    /**
     * The score term by term (matches only).
     */
    breakdown?: BreakdownReport;
    /**
     * Every reason it cannot (rejections only; empty for matches).
     */
    reasons: ReasonReport[];
}

/**
 * One waiting workflow against the pool.
 */
export interface WaitingWorkflow {
    /**
     * The workflow.
     */
    workflow: WorkflowReport;
    /**
     * How many runners can run it now.
     */
    matchCount: number;
    /**
     * The best of them, or `null`.
     */
    best: RunnerMatch | null;
    /**
     * Why the runners can or cannot run it, when none or only untagged runners can;
     * otherwise `null`.
     */
    explanation: ExplanationReport | null;
    /**
     * Why no runner can run it, or `null` when one can.
     */
    stuck: StuckReport | null;
}

/**
 * Prefer or avoid.
 */
export type TermKind = "prefer" | "avoid";

/**
 * The kinds of rejection reason.
 */
export type ReasonKind = "disabled" | "unknown_status" | "missing" | "excluded" | "no_tag_matches" | "type_mismatch" | "clause_failed";

/**
 * The kinds of stuck cause.
 */
export type StuckKind = "no_active_runner" | "unknown_tag" | "no_runner_has_all" | "unreadable_tags";

/**
 * The kinds of suggested change.
 */
export type ChangeKind = "drop_tag" | "drop_clause";

/**
 * The pool behind a client's answers: how many runners, and how each source fared.
 */
export interface PoolReport {
    /**
     * Runners in the pool, all sources together.
     */
    runners: number;
    /**
     * One entry per requested source, managed first.
     */
    sources: SourceReport[];
}

/**
 * The waiting workflows, each against the runner pool, and a one-line summary.
 */
export interface DiagnoseReport {
    /**
     * The waiting workflows (`accepted`, `uploaded`, `queued`), newest first.
     */
    workflows: WaitingWorkflow[];
    /**
     * One line over all, e.g. `3 of 5 waiting workflows can run now; 2 are stuck:
     * "GPU-A100" (case), "flux-xl" (no runner)`.
     */
    summary: string;
    /**
     * How many workflows wait on a runner.
     */
    waiting: number;
    /**
     * How many of them some runner can run now.
     */
    runnable: number;
    /**
     * How many of them no runner can run.
     */
    stuck: number;
    /**
     * Workflows read, all statuses.
     */
    read: number;
    /**
     * The listing's size, all statuses, as the server reported it.
     */
    total: number;
    /**
     * Pages of `GET /v1/workflow` read.
     */
    pages: number;
    /**
     * `true` when `maxPages` ended the read before the listing did: older workflows
     * were not read.
     */
    stoppedEarly: boolean;
    /**
     * The runner pool the workflows were matched against.
     */
    pool: PoolReport;
}

/**
 * What ComfyControl receives of a requirement and whether it enforces all of it.
 */
export interface WorkflowTagsReport {
    /**
     * The comma string to submit as the workflow's `tags` (`'gpu-a100,flux'`; `''`
     * for a wildcard workflow): the requirement's literal conjunction.
     */
    text: string;
    /**
     * The same tags as an array.
     */
    tags: string[];
    /**
     * `true` when ComfyControl enforces the whole requirement; otherwise it may run
     * the workflow on runners this package rejects.
     */
    enforced: boolean;
    /**
     * Each part ComfyControl will not enforce, in words (`'flux | sdxl (an OR)'`,
     * `'!development (a NOT)'`, `'gpu-* (a glob)'`, `'type:pro (a runner type)'`,
     * `'prefer gpu-h100 ×3 (a preference)'`).
     */
    notEnforced: string[];
}

/**
 * Whether a source was read.
 */
export type SourceStatusKind = "ok" | "unavailable";

/**
 * Which listing a runner came from.
 */
export type SourceKind = "managed" | "self-hosted";

/**
 * Why a runner matches.
 */
export type FitKind = "exact" | "superset" | "wildcard";

/**
 * Why a workflow matches the runners it matches, and what to change when it matches
 * too few.
 */
export interface ExplanationReport {
    /**
     * One line a person reads at a glance, e.g.
     * `3 of 237 runners match; 180 lack "gpu-a100", 51 lack "flux", 3 are disabled`.
     */
    summary: string;
    /**
     * How many runners match.
     */
    matchCount: number;
    /**
     * How many runners were considered.
     */
    total: number;
    /**
     * Every runner's verdict, in listing order (newest first).
     */
    runners: RunnerVerdict[];
    /**
     * Active runners that miss the fewest requirements, closest first.
     */
    closest: RunnerVerdict[];
    /**
     * The single change that would match the most runners, if any helps.
     */
    bestChange?: ChangeReport;
    /**
     * Near misses: required tags that match no runner but look like fleet tags.
     */
    hints: HintReport[];
    /**
     * What to submit as the workflow's `tags`, and what of the requirement ComfyControl
     * will not enforce (see `workflowTags`): when `enforced` is false, ComfyControl may
     * run the workflow on runners this report rejects.
     */
    workflowTags: WorkflowTagsReport;
    /**
     * The whole report as terminal text (summary, hints, best change, closest, and
     * what ComfyControl will not enforce).
     */
    text: string;
}

/**
 * Why no runner can run a workflow.
 */
export interface StuckReport {
    /**
     * What kind of cause.
     */
    kind: StuckKind;
    /**
     * The tag no active runner carries (`unknown_tag`).
     */
    tag?: string;
    /**
     * How the fleet tag it probably meant resembles it (`unknown_tag`, when one does).
     */
    nearMiss?: SimilarityKind;
    /**
     * The cause in words: `"GPU-A100" (case)`.
     */
    message: string;
}

/**
 * What a workflow requires: a comma-separated string (`'gpu-a100, flux'`), an
 * expression (`'gpu-* & (flux | sdxl) & !development'`), an array of tags, or a
 * `RequirementSpec` with soft preferences. `undefined`/`null`/`''` mean no tags.
 */
export type RequiredTags = string | string[] | RequirementSpec | null | undefined;

/**
 * Hard requirements plus soft, weighted preferences that rank without filtering.
 *
 * ```js
 * { require: 'flux', prefer: { 'gpu-h100': 3, 'eu-west': 1 }, avoid: { development: 2 } }
 * ```
 *
 * Declared for TypeScript only: the value is read key by key
 * ([`requirements_from_js`]) so that every mistake gets a precise message.
 */
export interface RequirementSpec {
    /**
     * Tags or an expression every match must satisfy (default: none).
     */
    require?: string | string[];
    /**
     * Terms to prefer (a tag, glob or `type:pro`) with their weights (> 0).
     */
    prefer?: Record<string, number>;
    /**
     * Terms to avoid with their weights (> 0).
     */
    avoid?: Record<string, number>;
}

/**
 * Options of `client.diagnose(options)`.
 */
export interface DiagnoseOptions {
    /**
     * Pages of `GET /v1/workflow` to read at most, newest first, 100 workflows each:
     * 1–100, default 3. The report says when this stopped the read early.
     */
    maxPages?: number;
}

/**
 * `onProgress`'s argument: runners received so far and expected in all, across every
 * source of one read.
 */
export interface Progress {
    /**
     * Runners received so far.
     */
    loaded: number;
    /**
     * Runners expected in all (at least `loaded`).
     */
    total: number;
}

/**
 * At most `requests` requests (retries and CORS preflights included) in any
 * `windowMs`. Only a budget at least as strict as ComfyControl's 40 per 10 s is
 * accepted: `requests × ⌈10000 / windowMs⌉ ≤ 40` (every burst that fits in 10 s
 * together stays within 40), so 40 per 10000, 20 per 5000 or 1 per 1000 pass, and
 * 40 per 1000 or 12 per 3000 are `invalid_input`.
 */
export interface RateLimitOptions {
    /**
     * Requests allowed per window, 1–40 (and see the rule above).
     */
    requests: number;
    /**
     * The window in ms, 1000–60000 (and see the rule above).
     */
    windowMs: number;
}

/**
 * Options of `new RunnerClient(options)` and `configure(options)`.
 */
export interface ClientOptions {
    /**
     * The API token (`cfc_…`), sent as `Authorization: Bearer …` and nowhere else.
     */
    token: string;
    /**
     * Default `https://api.comfycontrol.app`. Plain `http:` only for loopback hosts
     * (`127.0.0.0/8`, `localhost`, `[::1]`, read by the URL parser `fetch` uses: `http://127.1`
     * is `127.0.0.1`).
     */
    baseUrl?: string;
    /**
     * How long a fetched runner list is reused, in ms. Default 30000; 0 disables caching.
     */
    cacheTtlMs?: number;
    /**
     * Per-request timeout in ms. Default 10000.
     */
    timeoutMs?: number;
    /**
     * Retries per request after 429, 5xx, network errors and timeouts. Default 3.
     */
    maxRetries?: number;
    /**
     * Pages fetched at once after the first. Default 8.
     */
    maxConcurrency?: number;
    /**
     * Runners per page, 1–100. Default 100 (the API's maximum: fewest requests).
     */
    perPage?: number;
    /**
     * Client-side request budget. Default: ComfyControl's 40 requests per 10 s.
     */
    rateLimit?: RateLimitOptions;
    /**
     * Which listings make up the runner pool: `managed` (`GET /v1/managed-runner`) and
     * `self-hosted` (`GET /v1/runner`). Default both, read concurrently under one
     * request budget. With both, a 403 on managed runners (a Free tier) leaves the
     * self-hosted ones, and `pool()` says so; `['managed']` alone stays `forbidden`.
     */
    sources?: SourceKind[];
    /**
     * Called after each page of a runner read with `{ loaded, total }`, counted in
     * runners across every source of the read; the last call has `loaded === total`.
     * Not called for answers from the cache. Exceptions it throws are ignored.
     */
    onProgress?: (progress: Progress) => void;
}

/**
 * The stable machine-readable cause of an error.
 */
export type ErrorCode = "unauthorized" | "forbidden" | "rate_limited" | "server" | "http" | "network" | "timeout" | "decode" | "invalid_input" | "insecure_url" | "not_configured";
