package dev.ferry.connectors.jdbc;

/**
 * The per-row hash PostgreSQL computes as {@code hashtextextended(t::text, 0)}, computed here from the row's COPY
 * text line, so a batch's digest (taken while it streams past) equals what the server computes for the same rows
 * later without shipping them. Two exact re-implementations: {@code record_out}'s quoting (rowtypes.c) over the
 * unescaped COPY fields, and {@code hash_bytes_extended} (src/common/hashfn.c, little-endian, seed 0).
 */
final class PgRowDigest {
    private byte[] record = new byte[512];

    /**
     * hashtextextended(key::text || ':' || xmin::text, 0) from a COPY line's key field {@code [keyFrom, keyTo)} (COPY
     * escapes undone) and its row version field {@code [xminFrom, xminTo)}; 0 (as the server's NULL, which bit_xor
     * skips) for a NULL key.
     */
    long versionHash(byte[] line, int keyFrom, int keyTo, int xminFrom, int xminTo) {
        if (keyTo - keyFrom == 2 && line[keyFrom] == '\\' && line[keyFrom + 1] == 'N') return 0;
        ensure(keyTo - keyFrom + xminTo - xminFrom + 1);
        byte[] rec = record;
        int out = 0;
        for (int i = keyFrom; i < keyTo; i++) {
            byte b = line[i];
            if (b == '\\' && i + 1 < keyTo) b = unescape(line[++i]);
            rec[out++] = b;
        }
        rec[out++] = ':';
        System.arraycopy(line, xminFrom, rec, out, xminTo - xminFrom);
        out += xminTo - xminFrom;
        return hashBytesExtended(rec, 0, out);
    }

    private static byte unescape(byte e) {
        return switch (e) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'v' -> 0x0b;
            default -> e; // "\\\\" and any other escaped character stand for themselves
        };
    }

    /** hashtextextended(row::text, 0) of one COPY text line {@code [off, off+len)} (no trailing newline). */
    long rowHash(byte[] line, int off, int len) {
        int n = recordText(line, off, len);
        return hashBytesExtended(record, 0, n);
    }

    // byte classes of a COPY text field: forces quoting in record_out, is a '"' (doubled), is a COPY escape
    private static final byte QUOTE = 1, DQUOTE = 2, BACKSLASH = 4;
    private static final byte[] CLASS = new byte[256];

    static {
        for (char c : new char[]{'(', ')', ',', ' ', '\n', '\r', 0x0b, '\f'}) CLASS[c] = QUOTE;
        CLASS['"'] = QUOTE | DQUOTE;
        CLASS['\\'] = BACKSLASH;
    }

    /**
     * Converts a COPY text line into {@code record_out}'s text, "(a,b,,\"c d\")", into {@link #record}; returns its
     * length. One pass finds each field's end and what it holds; a field without escapes or '"' (nearly all) is
     * copied in one block.
     */
    int recordText(byte[] line, int off, int len) {
        ensure(2 * len + 8);
        byte[] rec = record;
        int out = 0;
        rec[out++] = '(';
        int end = off + len;
        int i = off;
        boolean firstField = true;
        while (true) {
            int start = i;
            int flags = 0;
            while (i < end) {
                byte b = line[i];
                if (b == '\t') break;
                flags |= CLASS[b & 0xff];
                i++;
            }
            if (!firstField) rec[out++] = ',';
            firstField = false;
            boolean isNull = i - start == 2 && line[start] == '\\' && line[start + 1] == 'N';
            if (isNull) {
                // NULL: nothing between the commas
            } else if ((flags & BACKSLASH) != 0) {
                out = appendQuoted(line, start, i, out);
            } else {
                boolean quote = i == start || (flags & QUOTE) != 0;
                if (quote) rec[out++] = '"';
                if ((flags & DQUOTE) == 0) {
                    System.arraycopy(line, start, rec, out, i - start);
                    out += i - start;
                } else {
                    for (int j = start; j < i; j++) {
                        if (line[j] == '"') rec[out++] = '"';
                        rec[out++] = line[j];
                    }
                }
                if (quote) rec[out++] = '"';
            }
            if (i >= end) break;
            i++; // the tab
        }
        rec[out++] = ')';
        return out;
    }

    /** Unescapes one COPY field and appends it the way record_out does: quoted when empty or holding "\\(), or space. */
    private int appendQuoted(byte[] line, int from, int to, int out) {
        boolean quote = from == to;
        for (int i = from; i < to && !quote; i++) {
            byte b = line[i];
            if (b == '\\' && i + 1 < to) {
                byte e = line[++i];
                // the escaped character is a backslash or whitespace (quoted) unless it is a backspace
                quote = e != 'b';
            } else {
                quote = b == '"' || b == '(' || b == ')' || b == ',' || b == ' ' || b == '\t' || b == '\n'
                        || b == '\r' || b == 0x0b || b == '\f';
            }
        }
        if (quote) record[out++] = '"';
        for (int i = from; i < to; i++) {
            byte b = line[i];
            if (b == '\\' && i + 1 < to) {
                b = unescape(line[++i]);
            }
            if (b == '"' || b == '\\') record[out++] = b;
            record[out++] = b;
        }
        if (quote) record[out++] = '"';
        return out;
    }

    private void ensure(int capacity) {
        if (record.length < capacity) record = new byte[Math.max(capacity, record.length * 2)];
    }

    /** PostgreSQL's hash_bytes_extended(k, len, 0): Bob Jenkins' lookup3, returning (b << 32) | c. */
    static long hashBytesExtended(byte[] k, int off, int keylen) {
        int len = keylen;
        int a = 0x9e3779b9 + len + 3923095;
        int b = a;
        int c = a;
        int p = off;
        while (len >= 12) {
            a += word(k, p);
            b += word(k, p + 4);
            c += word(k, p + 8);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            p += 12;
            len -= 12;
        }
        switch (len) { // little-endian tail; the lowest byte of c is reserved for the length
            case 11: c += (k[p + 10] & 0xff) << 24;
            case 10: c += (k[p + 9] & 0xff) << 16;
            case 9: c += (k[p + 8] & 0xff) << 8;
            case 8: b += (k[p + 7] & 0xff) << 24;
            case 7: b += (k[p + 6] & 0xff) << 16;
            case 6: b += (k[p + 5] & 0xff) << 8;
            case 5: b += k[p + 4] & 0xff;
            case 4: a += (k[p + 3] & 0xff) << 24;
            case 3: a += (k[p + 2] & 0xff) << 16;
            case 2: a += (k[p + 1] & 0xff) << 8;
            case 1: a += k[p] & 0xff;
            default:
        }
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return ((long) b << 32) | (c & 0xffffffffL);
    }

    private static final java.lang.invoke.VarHandle LE_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static int word(byte[] k, int p) {
        return (int) LE_INT.get(k, p);
    }
}
