/*
 * dfns_bridge.hpp — header-only C++17 wrappers over the C interface of dfns-bridge.
 *
 * Everything here is a thin layer over include/dfns_bridge.h: no logic of its own, no extra
 * dependency, nothing to link besides libdfns_bridge.
 *
 *  - Every handle of the C API has one move-only owning class (PublicKey, Policy, Registration,
 *    Assertion, Authenticator, Response). Its destructor calls the matching dfns_*_free. A
 *    default-constructed or moved-from object is empty: it owns nothing, destructs safely, converts
 *    to false, and a call that needs the handle throws dfns::Error with DFNS_ERR_INVALID_ARGUMENT
 *    (the library's own NULL check; the wrapper never dereferences a handle).
 *  - A failing status becomes a dfns::Error exception carrying the status, its name, and the
 *    dfns_last_error() message read right after the failing call.
 *  - Byte inputs are dfns::bytes_view, a non-owning (pointer, size) pair shaped like C++20's
 *    std::span<const uint8_t>; it converts implicitly from std::vector<uint8_t>, std::array,
 *    std::string, std::string_view and (pointer, size).
 *  - Getters named after a value return owning copies (std::vector<uint8_t>, std::string). Getters
 *    ending in _view return borrowed views into the handle, valid until that handle is freed,
 *    reset, or assigned to: they are documented as borrowed at each declaration.
 *  - Thread safety is the C header's: const member functions may be called on the same object from
 *    many threads at once (policies, keys and results are immutable once built); non-const member
 *    functions need exclusive access. The software authenticator is internally locked.
 *
 * Usable in a translation unit that also includes dfns_bridge.h (this header includes it).
 * Requires C++17. Compiles cleanly with -Wall -Wextra -Werror -pedantic on GCC and Clang.
 */
#ifndef DFNS_BRIDGE_HPP
#define DFNS_BRIDGE_HPP

/* dfns_bridge.h marks pointers with clang's _Nullable/_Nonnull (for Swift's importer). Under
 * clang -pedantic each one warns (-Wnullability-extension), and an unmarked pointer warns even
 * without flags (-Wnullability-completeness); neither says anything about the caller's code, so
 * they are silenced for the C header only. A translation unit that includes dfns_bridge.h itself
 * before this header gets whatever that header produces on its own. */
#if defined(__clang__)
#  pragma clang diagnostic push
#  pragma clang diagnostic ignored "-Wnullability-extension"
#  pragma clang diagnostic ignored "-Wnullability-completeness"
#endif
#include "dfns_bridge.h"
#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace dfns {

/* ----------------------------------------------------------------------------------------------
 * Bytes
 * ------------------------------------------------------------------------------------------- */

/** A borrowed, read-only run of bytes: (data, size), the shape of std::span<const uint8_t>.
 *  It never owns memory; the bytes must outlive the view. Cheap to copy; pass it by value.
 *  An empty view may have a null data(). */
class bytes_view {
public:
    /** The element type, as std::span<const uint8_t> names it. */
    using element_type = const std::uint8_t;
    /** The value type (uint8_t). */
    using value_type = std::uint8_t;
    /** The size type. */
    using size_type = std::size_t;
    /** A pointer to an element. */
    using pointer = const std::uint8_t *;
    /** An iterator (a plain pointer). */
    using iterator = const std::uint8_t *;
    /** Same as iterator: every view is read-only. */
    using const_iterator = const std::uint8_t *;

    /** An empty view (null data, size 0). */
    constexpr bytes_view() noexcept = default;

    /** A view of `size` bytes at `data`; `data` may be null only when `size` is 0. */
    constexpr bytes_view(const std::uint8_t *data, std::size_t size) noexcept : data_(data), size_(size) {}

    /** A view of `size` chars at `data`, read as bytes (for text and buffers typed as char). */
    bytes_view(const char *data, std::size_t size) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(data)), size_(size) {}

    /** A view of the contents of a byte vector (valid until the vector is changed or destroyed). */
    bytes_view(const std::vector<std::uint8_t> &bytes) noexcept : data_(bytes.data()), size_(bytes.size()) {}

    /** A view of the contents of a char vector, read as bytes. */
    bytes_view(const std::vector<char> &bytes) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(bytes.data())), size_(bytes.size()) {}

    /** A view of a std::array of bytes. */
    template <std::size_t N>
    constexpr bytes_view(const std::array<std::uint8_t, N> &bytes) noexcept : data_(bytes.data()), size_(N) {}

    /** A view of a C array of bytes (all N elements). */
    template <std::size_t N>
    constexpr bytes_view(const std::uint8_t (&bytes)[N]) noexcept : data_(bytes), size_(N) {}

    /** A view of the characters of a string, read as UTF-8 bytes (without a terminating NUL). */
    bytes_view(std::string_view text) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(text.data())), size_(text.size()) {}

    /** A view of the characters of a std::string, read as bytes (without the terminating NUL). */
    bytes_view(const std::string &text) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(text.data())), size_(text.size()) {}

    /** A view of a NUL-terminated string, without the NUL; a null pointer gives an empty view. */
    bytes_view(const char *text) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(text)), size_(text != nullptr ? std::strlen(text) : 0) {}

    /** The first byte, or null for a default-constructed view. */
    constexpr const std::uint8_t *data() const noexcept { return data_; }
    /** The number of bytes. */
    constexpr std::size_t size() const noexcept { return size_; }
    /** The number of bytes (elements are bytes). */
    constexpr std::size_t size_bytes() const noexcept { return size_; }
    /** Whether the view has no bytes. */
    constexpr bool empty() const noexcept { return size_ == 0; }
    /** An iterator to the first byte. */
    constexpr iterator begin() const noexcept { return data_; }
    /** An iterator past the last byte. */
    constexpr iterator end() const noexcept { return data_ + size_; }
    /** The byte at `index`; `index` must be < size() (unchecked, as std::span). */
    constexpr std::uint8_t operator[](std::size_t index) const noexcept { return data_[index]; }

    /** The first `count` bytes; throws std::out_of_range when count > size(). */
    bytes_view first(std::size_t count) const {
        if (count > size_) throw std::out_of_range("dfns::bytes_view::first: count exceeds size");
        return bytes_view(data_, count);
    }
    /** The last `count` bytes; throws std::out_of_range when count > size(). */
    bytes_view last(std::size_t count) const {
        if (count > size_) throw std::out_of_range("dfns::bytes_view::last: count exceeds size");
        return bytes_view(data_ + (size_ - count), count);
    }
    /** `count` bytes from `offset` (all remaining bytes when count is npos); throws std::out_of_range
     *  when the range does not lie inside the view. */
    bytes_view subspan(std::size_t offset, std::size_t count = npos) const {
        if (offset > size_) throw std::out_of_range("dfns::bytes_view::subspan: offset exceeds size");
        if (count == npos) count = size_ - offset;
        if (count > size_ - offset) throw std::out_of_range("dfns::bytes_view::subspan: range exceeds size");
        return bytes_view(data_ + offset, count);
    }

    /** An owning copy of the bytes. */
    std::vector<std::uint8_t> to_vector() const { return std::vector<std::uint8_t>(begin(), end()); }
    /** An owning copy of the bytes as a std::string (for text such as clientDataJSON). */
    std::string to_string() const { return std::string(reinterpret_cast<const char *>(data_), size_); }

    /** "All remaining bytes" for subspan. */
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
    const std::uint8_t *data_ = nullptr;
    std::size_t size_ = 0;
};

/** Byte-wise equality of two views (not constant time: do not compare secrets with it). */
inline bool operator==(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
/** Byte-wise inequality of two views. */
inline bool operator!=(bytes_view a, bytes_view b) noexcept { return !(a == b); }

/* ----------------------------------------------------------------------------------------------
 * Versions, status names, errors
 * ------------------------------------------------------------------------------------------- */

/** The library's version string, e.g. "0.1.0" (dfns_version). Static; thread-safe. */
inline const char *version() noexcept { return dfns_version(); }

/** The library's version number, MAJOR * 10000 + MINOR * 100 + PATCH (dfns_version_number). */
inline std::uint32_t version_number() noexcept { return dfns_version_number(); }

/** Whether the loaded library can serve this header: the same major version, and a minor.patch
 *  at least the header's (so every declaration of the header exists in the library). */
inline bool version_compatible() noexcept {
    const std::uint32_t runtime = dfns_version_number();
    const std::uint32_t header = DFNS_BRIDGE_VERSION_NUMBER;
    return runtime / 10000 == header / 10000 && runtime >= header;
}

/** The name of a status code, e.g. "DFNS_ERR_CHALLENGE_MISMATCH" (dfns_status_name). Static. */
inline const char *status_name(int status) noexcept { return dfns_status_name(status); }

/** A failed call of the C API: its status (a negative dfns_status), the status name, and the
 *  library's message for the failure ("what was expected, what was found"), captured from
 *  dfns_last_error() right after the failing call. what() is "NAME: message". */
class Error : public std::runtime_error {
public:
    /** An error for `status` with the library's `message`. */
    Error(int status, std::string message)
        : std::runtime_error(compose(status, message)), status_(status), message_(std::move(message)) {}

    /** The status code (a dfns_status value, never DFNS_OK). */
    int status() const noexcept { return status_; }
    /** The status name, e.g. "DFNS_ERR_CHALLENGE_MISMATCH" (a static string). */
    const char *name() const noexcept { return dfns_status_name(status_); }
    /** The library's message, as dfns_last_error() returned it after the failing call. */
    const std::string &message() const noexcept { return message_; }

private:
    static std::string compose(int status, const std::string &message) {
        std::string text = dfns_status_name(status);
        if (!message.empty()) {
            text += ": ";
            text += message;
        }
        return text;
    }

    int status_;
    std::string message_;
};

/** Throws dfns::Error unless `status` is DFNS_OK, reading dfns_last_error() at once. Call it
 *  directly on the result of a C function, before any other call into the library. */
inline void check(int status) {
    if (status != DFNS_OK) throw Error(status, dfns_last_error());
}

namespace detail {

/** Owns one C handle through Traits::free (a dfns_*_free taking T **). Move-only. */
template <typename Traits>
class unique_handle {
public:
    using handle_type = typename Traits::type;

    unique_handle() noexcept = default;
    explicit unique_handle(handle_type *adopted) noexcept : handle_(adopted) {}
    unique_handle(const unique_handle &) = delete;
    unique_handle &operator=(const unique_handle &) = delete;
    unique_handle(unique_handle &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    unique_handle &operator=(unique_handle &&other) noexcept {
        if (this != &other) {
            handle_type *taken = std::exchange(other.handle_, nullptr);
            Traits::free(&handle_);
            handle_ = taken;
        }
        return *this;
    }
    ~unique_handle() { Traits::free(&handle_); }

    /** The C handle (null when empty); still owned by this object. */
    handle_type *get() const noexcept { return handle_; }
    /** Gives up ownership: returns the C handle (the caller frees it) and leaves this object empty. */
    handle_type *release() noexcept { return std::exchange(handle_, nullptr); }
    /** Releases the owned reference (if any) and takes ownership of `adopted` (may be null).
     *  `adopted` is one reference of its own: the C API may hand out the same pointer more than
     *  once (dfns_registration_public_key returns a new reference to one shared key), and each
     *  such reference is freed once. Passing get() itself is an error, as with std::unique_ptr. */
    void reset(handle_type *adopted = nullptr) noexcept {
        Traits::free(&handle_);
        handle_ = adopted;
    }
    /** Whether a handle is owned. */
    explicit operator bool() const noexcept { return handle_ != nullptr; }
    /** Whether no handle is owned (default-constructed, moved-from, released or reset). */
    bool empty() const noexcept { return handle_ == nullptr; }

protected:
    /** The address of the handle slot, for the C functions' out-parameters (must be empty). */
    handle_type **out() noexcept { return &handle_; }

private:
    handle_type *handle_ = nullptr;
};

struct public_key_traits {
    using type = dfns_public_key_t;
    static void free(type **handle) noexcept { dfns_public_key_free(handle); }
};
struct policy_traits {
    using type = dfns_policy_t;
    static void free(type **handle) noexcept { dfns_policy_free(handle); }
};
struct registration_traits {
    using type = dfns_registration_t;
    static void free(type **handle) noexcept { dfns_registration_free(handle); }
};
struct assertion_traits {
    using type = dfns_assertion_t;
    static void free(type **handle) noexcept { dfns_assertion_free(handle); }
};
struct authenticator_traits {
    using type = dfns_authenticator_t;
    static void free(type **handle) noexcept { dfns_authenticator_free(handle); }
};
struct response_traits {
    using type = dfns_response_t;
    static void free(type **handle) noexcept { dfns_response_free(handle); }
};

/** Copies a borrowed (ptr, len) into a vector (empty for ptr NULL / len 0). */
inline std::vector<std::uint8_t> copy_bytes(const std::uint8_t *ptr, std::size_t len) {
    if (ptr == nullptr || len == 0) return {};
    return std::vector<std::uint8_t>(ptr, ptr + len);
}

/** Copies a borrowed NUL-terminated string (empty for NULL). */
inline std::string copy_string(const char *text) { return text != nullptr ? std::string(text) : std::string(); }

/** A NUL-terminated copy of `text` for the C API (a string_view need not be terminated).
 *  Throws dfns::Error(DFNS_ERR_INVALID_ARGUMENT) when `text` contains a NUL byte, which the C API
 *  would silently read as the end of the string. */
inline std::string c_string(std::string_view text) {
    if (text.find('\0') != std::string_view::npos)
        throw Error(DFNS_ERR_INVALID_ARGUMENT, "a string passed to the library contains a NUL byte");
    return std::string(text);
}

} // namespace detail

/* ----------------------------------------------------------------------------------------------
 * Public keys
 * ------------------------------------------------------------------------------------------- */

/** An imported, validated public key with its COSE algorithm (dfns_public_key_t). Immutable once
 *  imported: verify many times, share across threads (const calls only). Move-only. */
class PublicKey : public detail::unique_handle<detail::public_key_traits> {
public:
    /** An empty key (owns nothing). */
    PublicKey() noexcept = default;
    /** Takes ownership of a key created through the C API (may be null). */
    explicit PublicKey(dfns_public_key_t *adopted) noexcept : unique_handle(adopted) {}

    /** Imports a COSE_Key (strict CTAP2 canonical CBOR), the credential public key a relying party
     *  stores (dfns_public_key_parse_cose).
     *  Throws: dfns::Error with DFNS_ERR_MALFORMED_CBOR, _TRAILING_BYTES, _MALFORMED_COSE_KEY,
     *          _UNSUPPORTED_ALGORITHM or _INVALID_PUBLIC_KEY. */
    static PublicKey from_cose(bytes_view cose) {
        PublicKey key;
        check(dfns_public_key_parse_cose(cose.data(), cose.size(), key.out()));
        return key;
    }

    /** Imports a DER SubjectPublicKeyInfo or a PEM "PUBLIC KEY" block, to verify with `alg` (a
     *  dfns_cose_alg value) (dfns_public_key_parse_spki).
     *  Throws: dfns::Error with DFNS_ERR_MALFORMED_ENCODING, _INVALID_PUBLIC_KEY, or
     *          _UNSUPPORTED_ALGORITHM when alg does not fit the key. */
    static PublicKey from_spki(bytes_view der_or_pem, std::int32_t alg) {
        PublicKey key;
        check(dfns_public_key_parse_spki(der_or_pem.data(), der_or_pem.size(), alg, key.out()));
        return key;
    }

    /** The key's COSE algorithm (a dfns_cose_alg value); 0 for an empty key. Never throws. */
    std::int32_t alg() const noexcept { return dfns_public_key_alg(get()); }

    /** The key as canonical COSE_Key bytes (a copy). Throws dfns::Error for an empty key. */
    std::vector<std::uint8_t> cose() const { return cose_view().to_vector(); }

    /** The key as canonical COSE_Key bytes, borrowed: valid until this key is freed, reset or
     *  assigned to. Throws dfns::Error for an empty key. */
    bytes_view cose_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_public_key_cose(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }

    /** The key as DER SubjectPublicKeyInfo (a copy). Throws dfns::Error for an empty key. */
    std::vector<std::uint8_t> spki() const { return spki_view().to_vector(); }

    /** The key as DER SubjectPublicKeyInfo, borrowed: valid until this key is freed, reset or
     *  assigned to. Throws dfns::Error for an empty key. */
    bytes_view spki_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_public_key_spki(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }

    /** The key as a PEM "PUBLIC KEY" block (a copy). Throws dfns::Error for an empty key. */
    std::string pem() const {
        const char *text = nullptr;
        check(dfns_public_key_pem(get(), &text));
        return detail::copy_string(text);
    }

    /** Verifies `signature` over `message` with the key's algorithm (DER for ECDSA, raw for EdDSA
     *  and RSA) (dfns_public_key_verify). Thread-safe on a shared key.
     *  Returns: true when it verifies, false when the library reports DFNS_ERR_SIGNATURE_INVALID.
     *  Throws: dfns::Error for every other failure (e.g. DFNS_ERR_SHA1_NOT_ALLOWED for an RS1 key,
     *          DFNS_ERR_INVALID_ARGUMENT for an empty key). */
    [[nodiscard]] bool verify(bytes_view message, bytes_view signature) const {
        const int status = dfns_public_key_verify(get(), message.data(), message.size(), signature.data(), signature.size());
        if (status == DFNS_ERR_SIGNATURE_INVALID) return false;
        check(status);
        return true;
    }
};

/* ----------------------------------------------------------------------------------------------
 * Relying-party policy
 * ------------------------------------------------------------------------------------------- */

/** What a relying party accepts (dfns_policy_t): RP ID, origins, flags, algorithms, trust anchors,
 *  time. Build it on one thread with the fluent setters, then share it read-only (const) across
 *  threads. Move-only.
 *
 *  Every setter throws dfns::Error on failure and returns the policy, so calls chain on an lvalue
 *  (`policy.add_origin(a).require_user_verification(true);`) and on a temporary
 *  (`auto policy = dfns::Policy("example.org").add_origin("https://example.org");`). */
class Policy : public detail::unique_handle<detail::policy_traits> {
public:
    /** An empty policy (owns nothing; verification with it throws DFNS_ERR_INVALID_ARGUMENT). */
    Policy() noexcept = default;
    /** Takes ownership of a policy created through the C API (may be null). */
    explicit Policy(dfns_policy_t *adopted) noexcept : unique_handle(adopted) {}

    /** A policy for `rp_id` ("example.org") with no allowed origins yet and the documented defaults
     *  (dfns_policy_new). Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT for an empty RP ID or
     *  one that is not valid UTF-8 (or contains a NUL). */
    explicit Policy(std::string_view rp_id) {
        check(dfns_policy_new(detail::c_string(rp_id).c_str(), out()));
    }

    /** Adds an exact origin accepted in clientDataJSON (dfns_policy_add_origin). */
    Policy &add_origin(std::string_view origin) & {
        check(dfns_policy_add_origin(get(), detail::c_string(origin).c_str()));
        return *this;
    }
    /** Adds an exact origin (chaining on a temporary). */
    Policy &&add_origin(std::string_view origin) && { return std::move(add_origin(origin)); }

    /** Adds an accepted topOrigin, used only with allow_cross_origin (dfns_policy_add_top_origin). */
    Policy &add_top_origin(std::string_view origin) & {
        check(dfns_policy_add_top_origin(get(), detail::c_string(origin).c_str()));
        return *this;
    }
    /** Adds an accepted topOrigin (chaining on a temporary). */
    Policy &&add_top_origin(std::string_view origin) && { return std::move(add_top_origin(origin)); }

    /** Sets a boolean option (dfns_policy_set_option). Throws DFNS_ERR_INVALID_ARGUMENT for an
     *  unknown option. The named setters below are shorthands for it. */
    Policy &set_option(dfns_policy_option option, bool enabled) & {
        check(dfns_policy_set_option(get(), static_cast<int>(option), enabled ? 1 : 0));
        return *this;
    }
    /** Sets a boolean option (chaining on a temporary). */
    Policy &&set_option(dfns_policy_option option, bool enabled) && { return std::move(set_option(option, enabled)); }

    /** Reads a boolean option (dfns_policy_get_option). Throws for an unknown option or an empty policy. */
    bool option(dfns_policy_option which) const {
        int enabled = 0;
        check(dfns_policy_get_option(get(), static_cast<int>(which), &enabled));
        return enabled != 0;
    }

    /** Replaces the accepted credential algorithms, dfns_cose_alg values (dfns_policy_set_algorithms).
     *  Throws DFNS_ERR_INVALID_ARGUMENT for an empty list, DFNS_ERR_UNSUPPORTED_ALGORITHM for a
     *  value that is not a dfns_cose_alg. */
    Policy &set_algorithms(const std::vector<std::int32_t> &algs) & {
        check(dfns_policy_set_algorithms(get(), algs.empty() ? nullptr : algs.data(), algs.size()));
        return *this;
    }
    /** Replaces the accepted credential algorithms (chaining on a temporary). */
    Policy &&set_algorithms(const std::vector<std::int32_t> &algs) && { return std::move(set_algorithms(algs)); }
    /** Replaces the accepted credential algorithms, e.g. `{DFNS_COSE_ES256, DFNS_COSE_EDDSA}`. */
    Policy &set_algorithms(std::initializer_list<std::int32_t> algs) & {
        return set_algorithms(std::vector<std::int32_t>(algs));
    }
    /** Replaces the accepted credential algorithms (chaining on a temporary). */
    Policy &&set_algorithms(std::initializer_list<std::int32_t> algs) && { return std::move(set_algorithms(algs)); }

    /** Validates attestation certificates at `unix_seconds` instead of the current time
     *  (dfns_policy_set_verification_time). A negative value restores the default. */
    Policy &set_verification_time(std::int64_t unix_seconds) & {
        check(dfns_policy_set_verification_time(get(), unix_seconds));
        return *this;
    }
    /** Sets the verification time (chaining on a temporary). */
    Policy &&set_verification_time(std::int64_t unix_seconds) && { return std::move(set_verification_time(unix_seconds)); }

    /** Adds a trust anchor for one attestation format ("packed", "tpm", "fido-u2f",
     *  "android-key", "apple", "android-safetynet"): one DER certificate or PEM text with one or
     *  more CERTIFICATE blocks (dfns_policy_add_trust_anchor). Throws DFNS_ERR_INVALID_ARGUMENT or
     *  DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID. */
    Policy &add_trust_anchor(std::string_view format, bytes_view certificate) & {
        check(dfns_policy_add_trust_anchor(get(), detail::c_string(format).c_str(), certificate.data(), certificate.size()));
        return *this;
    }
    /** Adds a trust anchor (chaining on a temporary). */
    Policy &&add_trust_anchor(std::string_view format, bytes_view certificate) && {
        return std::move(add_trust_anchor(format, certificate));
    }

    /** Accept crossOrigin: true [off]. */
    Policy &allow_cross_origin(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_CROSS_ORIGIN, on); }
    /** Accept crossOrigin: true (chaining on a temporary). */
    Policy &&allow_cross_origin(bool on = true) && { return std::move(allow_cross_origin(on)); }
    /** Require the UV flag [off]. */
    Policy &require_user_verification(bool on = true) & { return set_option(DFNS_POLICY_REQUIRE_USER_VERIFICATION, on); }
    /** Require the UV flag (chaining on a temporary). */
    Policy &&require_user_verification(bool on = true) && { return std::move(require_user_verification(on)); }
    /** Require the UP flag [on]. */
    Policy &require_user_presence(bool on = true) & { return set_option(DFNS_POLICY_REQUIRE_USER_PRESENCE, on); }
    /** Require the UP flag (chaining on a temporary). */
    Policy &&require_user_presence(bool on = true) && { return std::move(require_user_presence(on)); }
    /** Accept RS1 signatures and SHA-1 certificates [off]. */
    Policy &allow_sha1(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_SHA1, on); }
    /** Accept SHA-1 (chaining on a temporary). */
    Policy &&allow_sha1(bool on = true) && { return std::move(allow_sha1(on)); }
    /** Use the built-in Apple, Google and GlobalSign roots [on]. */
    Policy &use_builtin_trust_anchors(bool on = true) & { return set_option(DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS, on); }
    /** Use the built-in roots (chaining on a temporary). */
    Policy &&use_builtin_trust_anchors(bool on = true) && { return std::move(use_builtin_trust_anchors(on)); }
    /** Fail unless the attestation chains to a trust anchor [off]. */
    Policy &require_trusted_attestation(bool on = true) & { return set_option(DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION, on); }
    /** Require trusted attestation (chaining on a temporary). */
    Policy &&require_trusted_attestation(bool on = true) && { return std::move(require_trusted_attestation(on)); }
    /** Accept self attestation [on]. */
    Policy &allow_self_attestation(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_SELF_ATTESTATION, on); }
    /** Accept self attestation (chaining on a temporary). */
    Policy &&allow_self_attestation(bool on = true) && { return std::move(allow_self_attestation(on)); }
    /** Accept "none" attestation [on]. */
    Policy &allow_none_attestation(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_NONE_ATTESTATION, on); }
    /** Accept "none" attestation (chaining on a temporary). */
    Policy &&allow_none_attestation(bool on = true) && { return std::move(allow_none_attestation(on)); }
    /** Every compound sub-statement must verify [on]. */
    Policy &compound_requires_all(bool on = true) & { return set_option(DFNS_POLICY_COMPOUND_REQUIRES_ALL, on); }
    /** Compound requires all (chaining on a temporary). */
    Policy &&compound_requires_all(bool on = true) && { return std::move(compound_requires_all(on)); }
    /** Report a non-increasing signature counter instead of rejecting it [off]. */
    Policy &flag_sign_count_regression(bool on = true) & { return set_option(DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION, on); }
    /** Flag counter regressions (chaining on a temporary). */
    Policy &&flag_sign_count_regression(bool on = true) && { return std::move(flag_sign_count_regression(on)); }
    /** Enforce the packed attestation certificate profile (§8.2.1) [on]. */
    Policy &enforce_certificate_profile(bool on = true) & { return set_option(DFNS_POLICY_ENFORCE_CERTIFICATE_PROFILE, on); }
    /** Enforce the certificate profile (chaining on a temporary). */
    Policy &&enforce_certificate_profile(bool on = true) && { return std::move(enforce_certificate_profile(on)); }
    /** Accept indefinite-length CBOR items in attestation objects [off]. */
    Policy &allow_indefinite_length_cbor(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_INDEFINITE_LENGTH_CBOR, on); }
    /** Accept indefinite-length CBOR (chaining on a temporary). */
    Policy &&allow_indefinite_length_cbor(bool on = true) && { return std::move(allow_indefinite_length_cbor(on)); }
    /** android-key: require origin KM_ORIGIN_GENERATED [on]. */
    Policy &android_key_require_origin_generated(bool on = true) & {
        return set_option(DFNS_POLICY_ANDROID_KEY_REQUIRE_ORIGIN_GENERATED, on);
    }
    /** android-key origin rule (chaining on a temporary). */
    Policy &&android_key_require_origin_generated(bool on = true) && { return std::move(android_key_require_origin_generated(on)); }
    /** android-key: require purpose KM_PURPOSE_SIGN [on]. */
    Policy &android_key_require_purpose_sign(bool on = true) & {
        return set_option(DFNS_POLICY_ANDROID_KEY_REQUIRE_PURPOSE_SIGN, on);
    }
    /** android-key purpose rule (chaining on a temporary). */
    Policy &&android_key_require_purpose_sign(bool on = true) && { return std::move(android_key_require_purpose_sign(on)); }
    /** android-key: look at teeEnforced only [off]. */
    Policy &android_key_tee_enforced_only(bool on = true) & { return set_option(DFNS_POLICY_ANDROID_KEY_TEE_ENFORCED_ONLY, on); }
    /** android-key TEE rule (chaining on a temporary). */
    Policy &&android_key_tee_enforced_only(bool on = true) && { return std::move(android_key_tee_enforced_only(on)); }
    /** android-safetynet: require ctsProfileMatch [on]. */
    Policy &safetynet_require_cts_profile_match(bool on = true) & {
        return set_option(DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH, on);
    }
    /** SafetyNet CTS rule (chaining on a temporary). */
    Policy &&safetynet_require_cts_profile_match(bool on = true) && { return std::move(safetynet_require_cts_profile_match(on)); }
    /** android-safetynet: timestampMs within 60 s before / 10 s after the verification time [on]. */
    Policy &safetynet_check_timestamp(bool on = true) & { return set_option(DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP, on); }
    /** SafetyNet timestamp rule (chaining on a temporary). */
    Policy &&safetynet_check_timestamp(bool on = true) && { return std::move(safetynet_check_timestamp(on)); }
};

/* ----------------------------------------------------------------------------------------------
 * Registration and assertion results
 * ------------------------------------------------------------------------------------------- */

/** Authenticator data flag bits, as Registration::flags() and Assertion::flags() return them. */
enum flag : std::uint8_t {
    FLAG_UP = 0x01, /**< user present */
    FLAG_UV = 0x04, /**< user verified */
    FLAG_BE = 0x08, /**< backup eligible */
    FLAG_BS = 0x10, /**< backed up */
    FLAG_AT = 0x40, /**< attested credential data present */
    FLAG_ED = 0x80  /**< extension data present */
};

/** A verified registration (dfns_registration_t): the credential record to store. Immutable;
 *  const calls may run on many threads at once. Move-only. */
class Registration : public detail::unique_handle<detail::registration_traits> {
public:
    /** An empty registration (owns nothing). */
    Registration() noexcept = default;
    /** Takes ownership of a registration created through the C API (may be null). */
    explicit Registration(dfns_registration_t *adopted) noexcept : unique_handle(adopted) {}

    /** The credential ID (a copy). Throws dfns::Error for an empty registration. */
    std::vector<std::uint8_t> credential_id() const { return credential_id_view().to_vector(); }
    /** The credential ID, borrowed: valid until this registration is freed, reset or assigned to. */
    bytes_view credential_id_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_registration_credential_id(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }

    /** The AAGUID, 16 bytes (a copy). */
    std::vector<std::uint8_t> aaguid() const { return aaguid_view().to_vector(); }
    /** The AAGUID, borrowed: valid until this registration is freed, reset or assigned to. */
    bytes_view aaguid_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_registration_aaguid(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }

    /** The credential public key as a new, independently owned key: keep it for assertions
     *  (dfns_registration_public_key). */
    PublicKey public_key() const {
        dfns_public_key_t *key = nullptr;
        check(dfns_registration_public_key(get(), &key));
        return PublicKey(key);
    }

    /** The attestation statement format ("packed", "none", ...) (a copy). */
    std::string format() const {
        const char *text = nullptr;
        check(dfns_registration_format(get(), &text));
        return detail::copy_string(text);
    }

    /** The attestation type: "basic", "self", "attca", "anonca", "none" or "compound" (a copy). */
    std::string attestation_type() const {
        const char *text = nullptr;
        check(dfns_registration_attestation_type(get(), &text));
        return detail::copy_string(text);
    }

    /** Whether the attestation chained to a trust anchor (false: no anchors for its format, or
     *  self/none attestation). */
    bool attestation_trusted() const {
        int trusted = 0;
        check(dfns_registration_attestation_trusted(get(), &trusted));
        return trusted != 0;
    }

    /** The signature counter at registration: store it with the record. */
    std::uint32_t sign_count() const {
        std::uint32_t count = 0;
        check(dfns_registration_sign_count(get(), &count));
        return count;
    }

    /** The authenticator data flags byte (dfns::FLAG_UP, FLAG_UV, FLAG_BE, FLAG_BS, FLAG_AT, FLAG_ED). */
    std::uint8_t flags() const {
        std::uint8_t value = 0;
        check(dfns_registration_flags(get(), &value));
        return value;
    }

    /** Whether the user was verified (UV). */
    bool user_verified() const { return (flags() & FLAG_UV) != 0; }
    /** Whether the credential is backup eligible (BE): store it with the record. */
    bool backup_eligible() const { return (flags() & FLAG_BE) != 0; }

    /** The authenticator extension outputs as CBOR (a copy); empty when there are none. */
    std::vector<std::uint8_t> extensions() const { return extensions_view().to_vector(); }
    /** The extension outputs, borrowed (empty view when none): valid until this registration is
     *  freed, reset or assigned to. */
    bytes_view extensions_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_registration_extensions(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }
};

/** A verified assertion (dfns_assertion_t): the values to update in the credential record.
 *  Immutable; const calls may run on many threads at once. Move-only. */
class Assertion : public detail::unique_handle<detail::assertion_traits> {
public:
    /** An empty assertion (owns nothing). */
    Assertion() noexcept = default;
    /** Takes ownership of an assertion created through the C API (may be null). */
    explicit Assertion(dfns_assertion_t *adopted) noexcept : unique_handle(adopted) {}

    /** The new signature counter to store. */
    std::uint32_t sign_count() const {
        std::uint32_t count = 0;
        check(dfns_assertion_sign_count(get(), &count));
        return count;
    }

    /** The authenticator data flags byte (dfns::FLAG_*). */
    std::uint8_t flags() const {
        std::uint8_t value = 0;
        check(dfns_assertion_flags(get(), &value));
        return value;
    }

    /** Whether the user was verified (UV). */
    bool user_verified() const { return (flags() & FLAG_UV) != 0; }

    /** Whether the counter did not increase and the policy only flags it (possible cloned
     *  authenticator; see Policy::flag_sign_count_regression). */
    bool sign_count_regressed() const {
        int regressed = 0;
        check(dfns_assertion_sign_count_regressed(get(), &regressed));
        return regressed != 0;
    }

    /** The authenticator extension outputs as CBOR (a copy); empty when there are none. */
    std::vector<std::uint8_t> extensions() const { return extensions_view().to_vector(); }
    /** The extension outputs, borrowed (empty view when none): valid until this assertion is
     *  freed, reset or assigned to. */
    bytes_view extensions_view() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_assertion_extensions(get(), &ptr, &len));
        return bytes_view(ptr, len);
    }
};

/** What the relying party stored about a credential, as an assertion needs it
 *  (dfns_stored_credential). It refers to `key`, which must outlive the verification call. */
struct StoredCredential {
    /** A record for `key` with the last stored counter and the backup eligibility recorded at
     *  registration (std::nullopt skips the BE consistency check). */
    explicit StoredCredential(const PublicKey &credential_key, std::uint32_t stored_sign_count = 0,
                              std::optional<bool> stored_backup_eligible = std::nullopt) noexcept
        : key(&credential_key), sign_count(stored_sign_count), backup_eligible(stored_backup_eligible) {}

    /** The credential public key (not owned). */
    const PublicKey *key;
    /** The last stored signature counter. */
    std::uint32_t sign_count;
    /** The BE recorded at registration, or std::nullopt to skip the check. */
    std::optional<bool> backup_eligible;

    /** The C struct (borrowing the key's handle). */
    dfns_stored_credential c_struct() const noexcept {
        dfns_stored_credential record;
        record.key = key != nullptr ? key->get() : nullptr;
        record.sign_count = sign_count;
        record.backup_eligible = backup_eligible.has_value() ? (*backup_eligible ? 1 : 0) : -1;
        return record;
    }
};

/* ----------------------------------------------------------------------------------------------
 * Verification (WebAuthn §7.1, §7.2)
 * ------------------------------------------------------------------------------------------- */

/** Verifies a registration response under `policy` (dfns_registration_verify). The caller still
 *  issues and consumes the challenge and checks that the credential ID is new.
 *  In: client_data_json: response.clientDataJSON, exact bytes; attestation_object:
 *      response.attestationObject; challenge: the challenge bytes issued for this ceremony.
 *  Throws: dfns::Error with the DFNS_ERR_* of the first check that failed.
 *  Thread-safe on a shared policy. */
inline Registration verify_registration(const Policy &policy, bytes_view client_data_json,
                                        bytes_view attestation_object, bytes_view challenge) {
    dfns_registration_t *result = nullptr;
    check(dfns_registration_verify(policy.get(), client_data_json.data(), client_data_json.size(),
                                   attestation_object.data(), attestation_object.size(),
                                   challenge.data(), challenge.size(), &result));
    return Registration(result);
}

/** Like verify_registration, for CTAP-level callers holding only the 32-byte clientDataHash: skips
 *  the clientDataJSON checks (dfns_registration_verify_hash). Throws dfns::Error. */
inline Registration verify_registration_hash(const Policy &policy, bytes_view client_data_hash,
                                             bytes_view attestation_object) {
    dfns_registration_t *result = nullptr;
    check(dfns_registration_verify_hash(policy.get(), client_data_hash.data(), client_data_hash.size(),
                                        attestation_object.data(), attestation_object.size(), &result));
    return Registration(result);
}

/** Verifies an assertion response under `policy` with a kept public key (dfns_assertion_verify).
 *  In: credential: the stored record (its key must not be empty); client_data_json,
 *      authenticator_data, signature: the response's exact bytes; challenge: the challenge issued.
 *  Throws: dfns::Error with the DFNS_ERR_* of the first check that failed.
 *  Thread-safe on a shared policy and key. */
inline Assertion verify_assertion(const Policy &policy, const StoredCredential &credential,
                                  bytes_view client_data_json, bytes_view authenticator_data,
                                  bytes_view signature, bytes_view challenge) {
    const dfns_stored_credential record = credential.c_struct();
    dfns_assertion_t *result = nullptr;
    check(dfns_assertion_verify(policy.get(), &record, client_data_json.data(), client_data_json.size(),
                                authenticator_data.data(), authenticator_data.size(),
                                signature.data(), signature.size(), challenge.data(), challenge.size(), &result));
    return Assertion(result);
}

/** Like verify_assertion, for CTAP-level callers holding only the 32-byte clientDataHash
 *  (dfns_assertion_verify_hash). Throws dfns::Error. */
inline Assertion verify_assertion_hash(const Policy &policy, const StoredCredential &credential,
                                       bytes_view client_data_hash, bytes_view authenticator_data,
                                       bytes_view signature) {
    const dfns_stored_credential record = credential.c_struct();
    dfns_assertion_t *result = nullptr;
    check(dfns_assertion_verify_hash(policy.get(), &record, client_data_hash.data(), client_data_hash.size(),
                                     authenticator_data.data(), authenticator_data.size(),
                                     signature.data(), signature.size(), &result));
    return Assertion(result);
}

/* ----------------------------------------------------------------------------------------------
 * Software authenticator
 * ------------------------------------------------------------------------------------------- */

/** A response the software authenticator produced (dfns_response_t), registration or assertion.
 *  Immutable. Move-only. */
class Response : public detail::unique_handle<detail::response_traits> {
public:
    /** An empty response (owns nothing). */
    Response() noexcept = default;
    /** Takes ownership of a response created through the C API (may be null). */
    explicit Response(dfns_response_t *adopted) noexcept : unique_handle(adopted) {}

    /** One field, borrowed: valid until this response is freed, reset or assigned to
     *  (dfns_response_get). Throws DFNS_ERR_NOT_FOUND for a field this kind of response lacks
     *  (attestation_object of an assertion, signature of a registration, ...). */
    bytes_view view(dfns_response_field field) const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_response_get(get(), static_cast<int>(field), &ptr, &len));
        return bytes_view(ptr, len);
    }
    /** One field (a copy). Throws as view(). */
    std::vector<std::uint8_t> field(dfns_response_field field) const { return view(field).to_vector(); }
    /** Whether this kind of response has `field` (false instead of DFNS_ERR_NOT_FOUND). */
    bool has(dfns_response_field field) const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        const int status = dfns_response_get(get(), static_cast<int>(field), &ptr, &len);
        if (status == DFNS_ERR_NOT_FOUND) return false;
        check(status);
        return true;
    }

    /** The credential ID (a copy). */
    std::vector<std::uint8_t> credential_id() const { return field(DFNS_RESPONSE_CREDENTIAL_ID); }
    /** response.clientDataJSON (a copy). */
    std::vector<std::uint8_t> client_data_json() const { return field(DFNS_RESPONSE_CLIENT_DATA_JSON); }
    /** response.attestationObject (a copy); registrations only. */
    std::vector<std::uint8_t> attestation_object() const { return field(DFNS_RESPONSE_ATTESTATION_OBJECT); }
    /** response.authenticatorData (a copy); assertions only. */
    std::vector<std::uint8_t> authenticator_data() const { return field(DFNS_RESPONSE_AUTHENTICATOR_DATA); }
    /** response.signature (a copy); assertions only. */
    std::vector<std::uint8_t> signature() const { return field(DFNS_RESPONSE_SIGNATURE); }
    /** response.userHandle (a copy, may be empty); assertions only. */
    std::vector<std::uint8_t> user_handle() const { return field(DFNS_RESPONSE_USER_HANDLE); }
};

/** A software WebAuthn authenticator holding credentials in process memory (dfns_authenticator_t),
 *  for tests and demos. Thread-safe (internally locked): its member functions are const and may
 *  run on many threads at once. Freeing it wipes its keys. Move-only. */
class Authenticator : public detail::unique_handle<detail::authenticator_traits> {
public:
    /** An empty authenticator (owns nothing). Use Authenticator::create() for a working one. */
    Authenticator() noexcept = default;
    /** Takes ownership of an authenticator created through the C API (may be null). */
    explicit Authenticator(dfns_authenticator_t *adopted) noexcept : unique_handle(adopted) {}

    /** A new authenticator with an all-zero AAGUID (dfns_authenticator_new). Throws dfns::Error. */
    static Authenticator create() {
        Authenticator authenticator;
        check(dfns_authenticator_new(authenticator.out()));
        return authenticator;
    }

    /** Creates a credential and returns its registration response (dfns_authenticator_register).
     *  In: rp_id, origin: written into authenticator data and clientDataJSON; challenge: the
     *      relying party's challenge; alg: DFNS_COSE_ES256, _EDDSA, _ES256K or _RS256;
     *      attestation: DFNS_ATTESTATION_NONE or DFNS_ATTESTATION_PACKED_SELF; user_handle:
     *      returned with assertions (may be empty); user_verified: set UV.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT or DFNS_ERR_UNSUPPORTED_ALGORITHM. */
    Response register_credential(std::string_view rp_id, std::string_view origin, bytes_view challenge,
                                 std::int32_t alg = DFNS_COSE_ES256,
                                 dfns_attestation_kind attestation = DFNS_ATTESTATION_PACKED_SELF,
                                 bytes_view user_handle = bytes_view(), bool user_verified = true) const {
        const std::string rp = detail::c_string(rp_id);
        const std::string org = detail::c_string(origin);
        dfns_response_t *response = nullptr;
        check(dfns_authenticator_register(get(), rp.c_str(), org.c_str(), challenge.data(), challenge.size(), alg,
                                          static_cast<int>(attestation), user_handle.data(), user_handle.size(),
                                          user_verified ? 1 : 0, &response));
        return Response(response);
    }

    /** Signs an assertion with the credential `credential_id` created for `rp_id`; its counter
     *  increases by one (dfns_authenticator_authenticate).
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, or DFNS_ERR_NOT_FOUND when no such
     *          credential exists for rp_id. */
    Response authenticate(std::string_view rp_id, std::string_view origin, bytes_view challenge,
                          bytes_view credential_id, bool user_verified = true) const {
        const std::string rp = detail::c_string(rp_id);
        const std::string org = detail::c_string(origin);
        dfns_response_t *response = nullptr;
        check(dfns_authenticator_authenticate(get(), rp.c_str(), org.c_str(), challenge.data(), challenge.size(),
                                              credential_id.data(), credential_id.size(), user_verified ? 1 : 0,
                                              &response));
        return Response(response);
    }
};

/* ----------------------------------------------------------------------------------------------
 * Inspection
 * ------------------------------------------------------------------------------------------- */

/** Decodes a WebAuthn structure (raw bytes, not base64) for a person to read, or as one JSON
 *  document; nothing is verified beyond parsing (dfns_inspect). The library's buffer is released
 *  before returning.
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT or the structure's parse error. */
inline std::string inspect(bytes_view data, dfns_inspect_kind kind = DFNS_INSPECT_DETECT,
                           dfns_inspect_format format = DFNS_INSPECT_TEXT) {
    char *text = nullptr;
    check(dfns_inspect(data.data(), data.size(), static_cast<int>(kind), static_cast<int>(format), &text));
    struct release {
        char *ptr;
        ~release() { dfns_free(ptr); }
    } guard{text};
    return detail::copy_string(guard.ptr);
}

} // namespace dfns

#endif /* DFNS_BRIDGE_HPP */
