/**
 * Sends WhatsApp template messages through Meta's Cloud API from a Flink job. Knows nothing of
 * carts: the job turns its own requests into {@link dev.cartrescue.sinks.whatsapp.TemplateMessage}s
 * with a {@link dev.cartrescue.sinks.whatsapp.MessageFactory} and reads one {@link
 * dev.cartrescue.sinks.whatsapp.Delivery} back per request.
 *
 * <p>The pieces, from the outside in:
 *
 * <ul>
 *   <li>{@link dev.cartrescue.sinks.whatsapp.WhatsAppSender} puts the sender in a pipeline as an
 *       unordered async I/O operator, sized from the rate limit.
 *   <li>{@link dev.cartrescue.sinks.whatsapp.AsyncTemplateSender} owns each request until its final
 *       result: it paces sends at the subtask's share of the job-wide rate ({@code Pacer}), retries
 *       what is worth retrying with backoff ({@code RetryBackoff}) until {@code retryFor} has
 *       passed, and turns the operator's timeout into a FAILED result instead of a job failure.
 *   <li>{@link dev.cartrescue.sinks.whatsapp.CloudApiClient} makes one HTTP request per attempt and
 *       classifies the answer by its Cloud API error code ({@code CloudApiErrors}).
 * </ul>
 *
 * <p>Delivery is at least once. A request in flight at a checkpoint is sent again after a restore,
 * and a request that timed out (or whose answer was lost) may have reached Meta before it is tried
 * again; the Cloud API has no idempotency key to prevent that. Callers that must not send twice
 * keep that promise upstream (e.g. by deciding and recording before sending).
 *
 * <p>The access token is read where the operator opens, from a file or the environment variable
 * {@code WHATSAPP_ACCESS_TOKEN}; it never travels in the job graph, the settings, or the logs.
 */
package dev.cartrescue.sinks.whatsapp;
