package dev.cartrescue.connectors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Separates readable input from dead letters, right after a source. */
public final class DeadLetters {

  /** The side output of {@link #split}: every input record that could not be read. */
  public static final OutputTag<DeadLetter> OUTPUT =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private DeadLetters() {}

  /**
   * Valid values go on with their timestamps; dead letters go to {@link #OUTPUT} and are counted in
   * the operator's {@code deadLetters} counter. The caller sets uid and name.
   */
  public static <T> SingleOutputStreamOperator<T> split(
      DataStream<Parsed<T>> in, TypeInformation<T> valueType) {
    return in.process(new Splitter<>(), valueType);
  }

  private static final class Splitter<T> extends ProcessFunction<Parsed<T>, T> {

    private static final long serialVersionUID = 1L;

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
      deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(Parsed<T> parsed, Context ctx, Collector<T> out) {
      if (parsed.isValid()) {
        out.collect(parsed.value);
      } else {
        deadLetters.inc();
        ctx.output(OUTPUT, parsed.deadLetter);
      }
    }
  }
}
