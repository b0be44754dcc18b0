package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedControlSocketTest {
  private final SimulatedControlSocket sockets = new SimulatedControlSocket();
  private final Path path = Path.of("/run/vmpower/control.sock");

  @Test
  void aClientConnectsWithTheCredentialsItWasGiven() throws Exception {
    sockets.defineGroup("vmpower", 995);
    try (ControlListener l = sockets.listen(ControlSettings.defaults().withGroup("vmpower"))) {
      assertEquals(995, l.groupId());
      ControlPeer nobody = new ControlPeer(65534, 65534, 77, Set.of(), true);
      try (ControlConnection client = sockets.connect(path, nobody);
          ControlConnection server = l.accept()) {
        assertEquals(nobody, server.peer());
        client.output().write("show_vms\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(
            "show_vms\n", new String(server.input().readNBytes(9), StandardCharsets.UTF_8));
        server.close();
        assertEquals(-1, client.input().read());
        assertThrows(IOException.class, () -> client.output().write(1));
      }
    }
  }

  @Test
  void readsTimeOutAndCloseWakesABlockedWriter() throws Exception {
    try (ControlListener l = sockets.listen(ControlSettings.defaults());
        ControlConnection client = sockets.connect(path);
        ControlConnection server = l.accept()) {
      server.setReadTimeout(50);
      assertThrows(SocketTimeoutException.class, () -> server.input().read());
      CompletableFuture<Throwable> writer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  while (true) {
                    server.output().write(new byte[4096]);
                  }
                } catch (IOException e) {
                  return e;
                }
              });
      assertFalse(writer.isDone());
      server.close();
      assertTrue(writer.get(5, TimeUnit.SECONDS) instanceof IOException);
      assertFalse(server.isOpen());
    }
  }

  @Test
  void missingBusyAndUnknownGroupAreRefused() throws Exception {
    ControlConnectException e =
        assertThrows(ControlConnectException.class, () -> sockets.connect(path));
    assertEquals(ControlConnectException.Reason.MISSING, e.reason());
    try (ControlListener l = sockets.listen(ControlSettings.defaults())) {
      assertTrue(sockets.listening(path));
      assertThrows(IOException.class, () -> sockets.listen(ControlSettings.defaults()));
    }
    assertFalse(sockets.listening(path));
    IOException g =
        assertThrows(
            IOException.class, () -> sockets.listen(ControlSettings.defaults().withGroup("x")));
    assertTrue(g.getMessage().contains("'x' does not exist"));
  }

  @Test
  void closingTheListenerWakesAnAccept() throws Exception {
    ControlListener l = sockets.listen(ControlSettings.defaults());
    CompletableFuture<Object> accepted =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return l.accept();
              } catch (IOException e) {
                return e;
              }
            });
    l.close();
    assertTrue(accepted.get(5, TimeUnit.SECONDS) instanceof IOException);
  }
}
