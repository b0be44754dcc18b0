package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsChannelFileTest {
  @TempDir Path tmp;

  private Path file(String content) throws IOException {
    Path p = tmp.resolve("attr");
    Files.writeString(p, content, StandardCharsets.US_ASCII);
    return p;
  }

  @Test
  void writesTheNumberAndANewlineAndNothingElse() throws IOException {
    Path p = file("<unsupported>\n");
    try (SysfsChannelFile f = new SysfsChannelFile(p, true)) {
      f.write(2_400_000);
      assertEquals("2400000\n", Files.readString(p));
      f.write(800_000);
      assertEquals("800000\n", Files.readString(p));
      f.write(0);
      assertEquals("0\n", Files.readString(p));
    }
  }

  @Test
  void aWriteAfterAReadLeavesExactlyTheValueWhateverTheLengthsRead() throws IOException {
    Path p = file("<unsupported>\n");
    try (SysfsChannelFile f = new SysfsChannelFile(p, true)) {
      assertEquals(-1, f.readNumber());
      f.write(2_400_000);
      assertEquals("2400000\n", Files.readString(p));
      assertEquals(2_400_000, f.readNumber());
      f.write(2_600_000);
      assertEquals("2600000\n", Files.readString(p));
      Files.writeString(p, "12345678901\n");
      assertEquals(12_345_678_901L, f.readNumber());
      f.write(800_000);
      assertEquals("800000\n", Files.readString(p));
      assertEquals("800000", f.read());
      f.write(1_200_000);
      assertEquals("1200000\n", Files.readString(p));
    }
  }

  @Test
  void writesText() throws IOException {
    Path p = file("ondemand\n");
    try (SysfsChannelFile f = new SysfsChannelFile(p, true)) {
      f.write("userspace");
      assertEquals("userspace\n", Files.readString(p));
      assertEquals("userspace", f.read());
    }
  }

  @Test
  void readsNumbersAgainAfterTheFileChanged() throws IOException {
    Path p = file("2400000\n");
    try (SysfsChannelFile f = new SysfsChannelFile(p, true)) {
      assertEquals(2_400_000, f.readNumber());
      Files.writeString(p, "1200000\n");
      assertEquals(1_200_000, f.readNumber());
      Files.writeString(p, " 12 \n");
      assertEquals(12, f.readNumber());
    }
  }

  @Test
  void anythingButOneNumberReadsAsMinusOne() throws IOException {
    for (String content : new String[] {"<unsupported>\n", "", "\n", "12a\n", "1 2\n", "-5\n"}) {
      Path p = file(content);
      try (SysfsChannelFile f = new SysfsChannelFile(p, true)) {
        assertEquals(-1, f.readNumber(), "content '" + content + "'");
      }
    }
  }

  @Test
  void aMissingFileFailsWithTheJdksException() {
    SysfsChannelFile f = new SysfsChannelFile(tmp.resolve("missing"), true);
    assertThrows(NoSuchFileException.class, () -> f.write(1));
    assertThrows(NoSuchFileException.class, f::readNumber);
    f.close();
  }

  @Test
  void refusesNegativeNumbers() throws IOException {
    try (SysfsChannelFile f = new SysfsChannelFile(file("1\n"), true)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.write(-1));
      assertEquals(true, e.getMessage().contains("non-negative"), e.getMessage());
    }
  }
}
