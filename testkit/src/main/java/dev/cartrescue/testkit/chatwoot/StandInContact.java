package dev.cartrescue.testkit.chatwoot;

/** A contact of the stand-in account. */
public record StandInContact(long id, String name, String phoneNumber, String identifier) {}
