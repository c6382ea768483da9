package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** The records travel between Flink operators and in checkpoints: POJOs, never Kryo. */
class FlinkTypesTest {

  @Test
  void recordsArePojosThatNeedNoGenericSerializer() {
    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false);

    for (TypeInformation<?> type :
        java.util.List.of(
            TypeInformation.of(TemplateMessage.class),
            TypeInformation.of(SendResult.class),
            new TypeHint<Delivery<String>>() {}.getTypeInfo())) {
      assertThat(type).isInstanceOf(PojoTypeInfo.class);
      assertThatCode(() -> type.createSerializer(noKryo)).doesNotThrowAnyException();
    }
  }
}
