package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.RocksDB;

class ShortLivedStateOptionsTest {
  private final List<AutoCloseable> handles = new ArrayList<>();

  @BeforeAll
  static void loadRocksDb() {
    RocksDB.loadLibrary();
  }

  @Test
  void smallMemtablesAndASmallDynamicFirstLevelByDefault() {
    try (ColumnFamilyOptions options = new ColumnFamilyOptions()) {
      new ShortLivedStateOptions()
          .configure(new Configuration())
          .createColumnOptions(options, handles);
      assertThat(options.writeBufferSize())
          .isEqualTo(ShortLivedStateOptions.WRITE_BUFFER.getBytes());
      assertThat(options.levelCompactionDynamicLevelBytes()).isTrue();
      assertThat(options.maxBytesForLevelBase())
          .isEqualTo(ShortLivedStateOptions.FIRST_LEVEL.getBytes());
      assertThat(options.targetFileSizeBase())
          .isEqualTo(ShortLivedStateOptions.FILE_SIZE.getBytes());
    }
  }

  @Test
  void flinksOwnOptionsWin() {
    Configuration conf = new Configuration();
    conf.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.parse("8mb"));
    conf.set(RocksDBConfigurableOptions.MAX_SIZE_LEVEL_BASE, MemorySize.parse("64mb"));
    try (ColumnFamilyOptions options = new ColumnFamilyOptions()) {
      long writeBuffer = options.writeBufferSize();
      long levelBase = options.maxBytesForLevelBase();
      new ShortLivedStateOptions().configure(conf).createColumnOptions(options, handles);
      assertThat(options.writeBufferSize()).isEqualTo(writeBuffer);
      assertThat(options.maxBytesForLevelBase()).isEqualTo(levelBase);
    }
  }
}
