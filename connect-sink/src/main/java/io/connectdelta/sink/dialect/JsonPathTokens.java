package io.connectdelta.sink.dialect;

import java.util.List;

/**
 * Tokens of a JSON Pointer path inside a json column. A numeric token (RFC 6901: digits without a leading zero)
 * names an element where the value at that point is an array and a member where it is an object: only the
 * database can tell which.
 */
public final class JsonPathTokens {
    private JsonPathTokens() {
    }

    /** True for a token that may be an array index: {@code 0} or digits without a leading zero (at most 9). */
    public static boolean isIndex(String token) {
        int length = token.length();
        if (length == 0 || length > 9 || (length > 1 && token.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** True when some token of the path may be an array index. */
    public static boolean hasIndex(List<String> path) {
        for (String token : path) {
            if (isIndex(token)) {
                return true;
            }
        }
        return false;
    }
}
