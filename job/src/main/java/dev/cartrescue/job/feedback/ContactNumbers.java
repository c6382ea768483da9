package dev.cartrescue.job.feedback;

import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.rule.PhoneNumbers;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by contact: tells {@link ConsentByNumber} which WhatsApp number each contact owns, from the
 * newest profile version. When a contact's number changes, the old number is released and the new
 * one claimed; a tombstone releases it, so that an erased contact is forgotten by number too.
 */
public class ContactNumbers extends KeyedProcessFunction<String, ContactProfile, NumberSignal> {
  /** One value per contact: the number's key follows from its phone. */
  private transient ValueState<NumberOwner> owned;

  @Override
  public void open(OpenContext openContext) {
    owned = getRuntimeContext().getState(new ValueStateDescriptor<>("owned", NumberOwner.class));
  }

  @Override
  public void processElement(ContactProfile profile, Context ctx, Collector<NumberSignal> out)
      throws Exception {
    NumberOwner before = owned.value();
    if (before != null && profile.updatedAt < before.since) {
      // An older version, read late: the newer one decided.
      return;
    }
    String keyBefore = before == null ? null : keyOf(before.phone);
    if (profile.erased) {
      if (keyBefore != null) {
        out.collect(NumberSignal.release(keyBefore, profile.contactId));
      }
      owned.clear();
      return;
    }
    PhoneNumbers.ValidNumber number = PhoneNumbers.read(profile.whatsappCode, profile.phoneNumber);
    String key = number == null ? null : keyOf(number.e164());
    if (keyBefore != null && !keyBefore.equals(key)) {
      out.collect(NumberSignal.release(keyBefore, profile.contactId));
    }
    NumberOwner owner =
        NumberOwner.of(
            profile.contactId,
            number == null ? null : number.e164(),
            profile.language,
            profile.updatedAt);
    owned.update(owner);
    if (key == null) {
      return;
    }
    if (before == null || !key.equals(keyBefore) || !sameLanguage(before, owner)) {
      out.collect(NumberSignal.claim(key, owner));
    }
  }

  private static String keyOf(String e164) {
    return e164 == null ? null : NumberSignal.numberKey(e164);
  }

  private static boolean sameLanguage(NumberOwner a, NumberOwner b) {
    return a.language == null ? b.language == null : a.language.equals(b.language);
  }
}
