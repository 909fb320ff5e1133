package dev.ferry.server;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets at rest: Tink AEAD (AES-256-GCM). The associated data binds a ciphertext to its owner (tenant and sync),
 * so a ciphertext copied to another row does not decrypt.
 */
public final class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private final Aead aead;

    SecretBox(byte[] key) {
        try {
            this.aead = new AesGcmJce(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("FERRY_SECRET_KEY: not a usable AES key; give base64 of 32 random bytes", e);
        }
    }

    static SecretBox fromConfig(FerryProperties props) {
        if (props.secretKey() != null) return new SecretBox(decode(props.secretKey()));
        if (!Database.isH2File(props.state())) {
            throw new IllegalStateException("FERRY_SECRET_KEY is not set; with a shared state database every node needs the "
                    + "same key: set FERRY_SECRET_KEY to base64 of 32 random bytes (e.g. openssl rand -base64 32)");
        }
        Path file = Path.of(Database.h2FilePath(props.state()) + ".secret-key");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                if (file.getParent() != null) Files.createDirectories(file.getParent());
                Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                log.warn("FERRY_SECRET_KEY is not set: generated a key for secrets at rest in {} (development only; "
                        + "keep it with the state file, set FERRY_SECRET_KEY in production)", file.toAbsolutePath().normalize());
            } else {
                log.info("FERRY_SECRET_KEY is not set: using the key file {}", file.toAbsolutePath().normalize());
            }
            return new SecretBox(decode(Files.readString(file).trim()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            byte[] key = Base64.getDecoder().decode(base64.trim());
            if (key.length != 32) throw new IllegalArgumentException("length " + key.length);
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("FERRY_SECRET_KEY: expected base64 of 32 bytes (openssl rand -base64 32)");
        }
    }

    public String encrypt(String plain, String owner) {
        try {
            byte[] c = aead.encrypt(plain.getBytes(StandardCharsets.UTF_8), owner.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(c);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String cipher, String owner) {
        try {
            byte[] p = aead.decrypt(Base64.getDecoder().decode(cipher), owner.getBytes(StandardCharsets.UTF_8));
            return new String(p, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored secrets of " + owner + " do not decrypt with this FERRY_SECRET_KEY");
        }
    }
}
