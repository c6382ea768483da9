/**
 * What WhatsApp tells back about the messages the job sent, read from Meta's webhook notifications:
 * each status tied back to its cart ({@link DeliveryStatuses}, keyed by message id), and the
 * contacts' opt-outs tied back to the contact ({@link ContactNumbers} and {@link ConsentByNumber},
 * keyed by WhatsApp number), which the eligibility function applies at once.
 */
package dev.cartrescue.job.feedback;
