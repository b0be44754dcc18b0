package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.hal.FrequencyTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reading of "where is this CPU now" that every backend shares. */
class SysfsCurrentIndexTest {
  private static final FrequencyTable TABLE =
      FrequencyTable.of(2_600_000, 2_400_000, 2_000_000, 1_600_000, 1_200_000);

  @TempDir Path tmp;

  private SysfsChannelFile first;
  private SysfsChannelFile second;

  private SysfsCurrentIndex twoFiles() {
    first = new SysfsChannelFile(tmp.resolve("scaling_setspeed"), true);
    second = new SysfsChannelFile(tmp.resolve("scaling_cur_freq"), true);
    return new SysfsCurrentIndex(0, TABLE, first, second);
  }

  @AfterEach
  void closeFiles() {
    for (SysfsChannelFile f : new SysfsChannelFile[] {first, second}) {
      if (f != null) {
        f.close();
      }
    }
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(tmp.resolve(name), content + "\n");
  }

  @Test
  void theFirstFileWithANumberWinsMappedToTheNearestEntry() throws Exception {
    SysfsCurrentIndex current = twoFiles();
    write("scaling_setspeed", "2350000");
    write("scaling_cur_freq", "1200000");
    assertEquals(1, current.read());
    write("scaling_setspeed", "<unsupported>");
    assertEquals(4, current.read(), "no number in the first file: the second");
  }

  @Test
  void whenNoFileHoldsANumberTheLastIndexStays() throws Exception {
    SysfsCurrentIndex current = twoFiles();
    write("scaling_setspeed", "1600000");
    write("scaling_cur_freq", "0");
    assertEquals(3, current.read());
    write("scaling_setspeed", "<unsupported>");
    assertEquals(3, current.read());
  }

  @Test
  void anUnreadableFileKeepsTheLastKnownIndexUntilReadsWorkAgain() throws Exception {
    SysfsCurrentIndex current = twoFiles();
    assertEquals(0, current.read(), "nothing read yet: 0");
    write("scaling_setspeed", "2000000");
    assertEquals(2, current.read());
    Files.delete(tmp.resolve("scaling_setspeed"));
    first.close(); // its descriptor would still read the old file
    assertEquals(2, current.read());
    current.written(4);
    assertEquals(4, current.read(), "a write tells the index without a read");
    write("scaling_setspeed", "2600000");
    assertEquals(0, current.read());
  }

  @Test
  void aTrustedWriteIsReturnedWithoutAReadUntilForgotten() throws Exception {
    SysfsCurrentIndex current = twoFiles();
    write("scaling_setspeed", "2000000");
    current.written(4);
    assertEquals(2, current.read(), "writes not trusted (the default): read back");
    current.trustWrites(true);
    current.written(4);
    assertEquals(4, current.read(), "trusted: what was written, the file is not read");
    current.forget();
    assertEquals(2, current.read(), "forgotten: read again");
    current.written(3);
    current.trustWrites(false);
    assertEquals(2, current.read(), "trust withdrawn: read again");
  }
}
