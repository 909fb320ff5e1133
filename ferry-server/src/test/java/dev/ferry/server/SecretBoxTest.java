package dev.ferry.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {
    static FerryProperties props(String state, String key) {
        return new FerryProperties(state, null, key, false, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void encryptsBoundToItsOwner() {
        SecretBox box = SecretBox.fromConfig(props("jdbc:postgresql://db/x", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        String c = box.encrypt("hunter2", "ferry-sync:t1/s1");
        assertThat(c).doesNotContain("hunter2");
        assertThat(box.encrypt("hunter2", "ferry-sync:t1/s1")).isNotEqualTo(c); // random nonce
        assertThat(box.decrypt(c, "ferry-sync:t1/s1")).isEqualTo("hunter2");
        assertThatThrownBy(() -> box.decrypt(c, "ferry-sync:t2/s1")).hasMessageContaining("do not decrypt");
        SecretBox other = SecretBox.fromConfig(props("jdbc:postgresql://db/x", "HwECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        assertThatThrownBy(() -> other.decrypt(c, "ferry-sync:t1/s1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void devKeyFileNextToTheH2StateIsMadeOnceAndReused(@TempDir Path dir) throws Exception {
        String state = "jdbc:h2:file:" + dir.resolve("state");
        String c = SecretBox.fromConfig(props(state, null)).encrypt("s", "o");
        Path keyFile = dir.resolve("state.secret-key");
        assertThat(keyFile).exists();
        String key = Files.readString(keyFile);
        assertThat(SecretBox.fromConfig(props(state, null)).decrypt(c, "o")).isEqualTo("s");
        assertThat(Files.readString(keyFile)).isEqualTo(key);
    }

    @Test
    void aSharedStateWithoutKeyOrABadKeyIsRefused() {
        assertThatThrownBy(() -> SecretBox.fromConfig(props("jdbc:postgresql://db/x", null))).hasMessageContaining("FERRY_SECRET_KEY");
        assertThatThrownBy(() -> SecretBox.fromConfig(props("jdbc:postgresql://db/x", "c2hvcnQ="))).hasMessageContaining("32 bytes");
    }

    @Test
    void launcherWordsBecomeSpringProperties() {
        assertThat(FerryServer.springArgs(new String[]{"serve", "--port", "9000", "--state", "jdbc:h2:mem:x", "--x.y=1"}))
                .containsExactly("--server.port=9000", "--ferry.state=jdbc:h2:mem:x", "--x.y=1");
        assertThat(FerryServer.springArgs(new String[]{"--port=1", "--state=jdbc:h2:mem:y"}))
                .containsExactly("--server.port=1", "--ferry.state=jdbc:h2:mem:y");
    }
}
