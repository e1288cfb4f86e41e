/*
 * dfns_bridge.hpp — header-only C++17 wrappers over the C interface of dfns-bridge.
 *
 * Everything here is a thin layer over include/dfns_bridge.h: no logic of its own, no extra
 * dependency, nothing to link besides libdfns_bridge.
 *
 *  - Every handle of the C API has one move-only owning class (PublicKey, Policy, Registration,
 *    Assertion, Authenticator, Response; since 0.2 Signer, Client, Result). Its destructor calls
 *    the matching dfns_*_free. A
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
 *    reset, or assigned to: they are documented as borrowed at each declaration. The accessors of
 *    a Result (body(), error_id(), request_id(), approval_id()) are borrowed std::string_views too.
 *  - Thread safety is the C header's: const member functions may be called on the same object from
 *    many threads at once (policies, keys and results are immutable once built); non-const member
 *    functions need exclusive access. The software authenticator is internally locked; a Client's
 *    setters are thread-safe too (the client locks), as the C header documents.
 *  - Host callbacks (an external signer's signing function, a client's transport) are
 *    std::function objects. No C++ exception ever unwinds through the C library: the wrapper's
 *    trampoline catches it and returns a failure, and the wrapper call that ran the callback
 *    rethrows that same exception to its caller (see "Signers and Dfns cryptography").
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
#include <exception>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
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

/** The library's version string, e.g. "0.4.0" (dfns_version). Static; thread-safe. */
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

/** The Traits of unique_handle for the C handle type T released by Free (a dfns_*_free). */
template <typename T, void (*Free)(T **)>
struct handle_traits {
    using type = T;
    static void free(T **handle) noexcept { Free(handle); }
};

using public_key_traits = handle_traits<dfns_public_key_t, &dfns_public_key_free>;
using policy_traits = handle_traits<dfns_policy_t, &dfns_policy_free>;
using registration_traits = handle_traits<dfns_registration_t, &dfns_registration_free>;
using assertion_traits = handle_traits<dfns_assertion_t, &dfns_assertion_free>;
using authenticator_traits = handle_traits<dfns_authenticator_t, &dfns_authenticator_free>;
using response_traits = handle_traits<dfns_response_t, &dfns_response_free>;
using metadata_traits = handle_traits<dfns_metadata_t, &dfns_metadata_free>;

/** Copies a borrowed (ptr, len) into a vector (empty for ptr NULL / len 0). */
inline std::vector<std::uint8_t> copy_bytes(const std::uint8_t *ptr, std::size_t len) {
    if (ptr == nullptr || len == 0) return {};
    return std::vector<std::uint8_t>(ptr, ptr + len);
}

/** Copies a borrowed NUL-terminated string (empty for NULL). */
inline std::string copy_string(const char *text) { return text != nullptr ? std::string(text) : std::string(); }

/** Whether `text` holds a NUL byte, which the C API would read as the end of the string. */
inline bool contains_nul(std::string_view text) noexcept { return text.find('\0') != std::string_view::npos; }

/** A NUL-terminated copy of `text` for the C API (a string_view need not be terminated).
 *  Throws dfns::Error(DFNS_ERR_INVALID_ARGUMENT) when `text` contains a NUL byte, which the C API
 *  would silently read as the end of the string. */
inline std::string c_string(std::string_view text) {
    if (contains_nul(text)) throw Error(DFNS_ERR_INVALID_ARGUMENT, "a string passed to the library contains a NUL byte");
    return std::string(text);
}

/** Zeroes `len` bytes at `ptr` through a volatile pointer (not elided by the optimizer). */
inline void wipe_bytes(void *ptr, std::size_t len) noexcept {
    volatile unsigned char *bytes = static_cast<volatile unsigned char *>(ptr);
    for (std::size_t i = 0; i < len; ++i) bytes[i] = 0;
}

/** A NUL-terminated string the library allocated for the caller (a char ** output): released with
 *  dfns_free on destruction, after wiping its strlen bytes when it holds a secret. */
class library_text {
public:
    explicit library_text(bool secret = false) noexcept : secret_(secret) {}
    library_text(const library_text &) = delete;
    library_text &operator=(const library_text &) = delete;
    ~library_text() {
        if (text_ != nullptr && secret_) wipe_bytes(text_, std::strlen(text_));
        dfns_free(text_);
    }
    /** The out-parameter for the C function. */
    char **out() noexcept { return &text_; }
    /** A copy ("" when the library wrote nothing). */
    std::string str() const { return copy_string(text_); }

private:
    char *text_ = nullptr;
    bool secret_;
};

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
    std::int32_t alg() const noexcept {
        std::int32_t value = 0;
        return dfns_public_key_algorithm(get(), &value) == DFNS_OK ? value : 0;
    }

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

    /* Relying-party options (since 0.4), each off by default; dfns_bridge.h names the threat each reopens. */

    /** An http(s) origin also accepts its subdomains, same scheme and port [off]. */
    Policy &allow_subdomain_origins(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS, on); }
    /** Subdomain origins (chaining on a temporary). */
    Policy &&allow_subdomain_origins(bool on = true) && { return std::move(allow_subdomain_origins(on)); }
    /** A configured loopback origin accepts any port, for development [off]. */
    Policy &allow_any_loopback_port(bool on = true) & { return set_option(DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT, on); }
    /** Any loopback port (chaining on a temporary). */
    Policy &&allow_any_loopback_port(bool on = true) && { return std::move(allow_any_loopback_port(on)); }

    /** Accepts `rp_id` besides the policy's own RP ID (dfns_policy_add_rp_id). Throws
     *  DFNS_ERR_INVALID_ARGUMENT for an empty one. */
    Policy &add_rp_id(std::string_view rp_id) & {
        check(dfns_policy_add_rp_id(get(), detail::c_string(rp_id).c_str()));
        return *this;
    }
    /** Accepts another RP ID (chaining on a temporary). */
    Policy &&add_rp_id(std::string_view rp_id) && { return std::move(add_rp_id(rp_id)); }

    /** Replaces the clientData types `ceremony` accepts (dfns_policy_set_client_data_types); the
     *  defaults are "webauthn.create" / "webauthn.get". Throws DFNS_ERR_INVALID_ARGUMENT for an
     *  empty list or an empty type. */
    Policy &set_client_data_types(dfns_ceremony ceremony, const std::vector<std::string> &types) & {
        std::vector<const char *> pointers;
        pointers.reserve(types.size());
        for (const std::string &type : types) {
            if (type.find('\0') != std::string::npos) {
                throw Error(DFNS_ERR_INVALID_ARGUMENT, "a clientData type contains a NUL byte");
            }
            pointers.push_back(type.c_str());
        }
        check(dfns_policy_set_client_data_types(get(), static_cast<int>(ceremony),
                                                pointers.empty() ? nullptr : pointers.data(), pointers.size()));
        return *this;
    }
    /** Replaces the clientData types (chaining on a temporary). */
    Policy &&set_client_data_types(dfns_ceremony ceremony, const std::vector<std::string> &types) && {
        return std::move(set_client_data_types(ceremony, types));
    }

    /** Sets the FIDO AppID for assertions of U2F-registered credentials (dfns_policy_set_appid); the
     *  AppID hash is accepted only through verify_assertion with DFNS_ASSERTION_APPID_EXTENSION_USED. */
    Policy &set_appid(std::string_view appid) & {
        check(dfns_policy_set_appid(get(), detail::c_string(appid).c_str()));
        return *this;
    }
    /** Sets the AppID (chaining on a temporary). */
    Policy &&set_appid(std::string_view appid) && { return std::move(set_appid(appid)); }
    /** Removes the AppID. */
    Policy &clear_appid() & {
        check(dfns_policy_set_appid(get(), nullptr));
        return *this;
    }

    /** Adds a TPM manufacturer ("id:414D4400") to the tpm allowlist (dfns_policy_add_tpm_manufacturer);
     *  empty list = any manufacturer. Throws DFNS_ERR_INVALID_ARGUMENT for a malformed ID. */
    Policy &add_tpm_manufacturer(std::string_view manufacturer) & {
        check(dfns_policy_add_tpm_manufacturer(get(), detail::c_string(manufacturer).c_str()));
        return *this;
    }
    /** Adds a TPM manufacturer (chaining on a temporary). */
    Policy &&add_tpm_manufacturer(std::string_view manufacturer) && { return std::move(add_tpm_manufacturer(manufacturer)); }
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

    /** The RP ID whose SHA-256 the rpIdHash is (dfns_registration_rp_id, since 0.4; a copy). */
    std::string rp_id() const {
        const char *text = nullptr;
        check(dfns_registration_rp_id(get(), &text));
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

    /** The RP ID (or AppID) whose SHA-256 the rpIdHash is (dfns_assertion_rp_id, since 0.4; a copy). */
    std::string rp_id() const {
        const char *text = nullptr;
        check(dfns_assertion_rp_id(get(), &text));
        return detail::copy_string(text);
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

/** verify_assertion with dfns_assertion_verify_flag bits, e.g. DFNS_ASSERTION_APPID_EXTENSION_USED
 *  when the client reported the appid extension output true (dfns_assertion_verify_ex, since 0.4).
 *  Throws dfns::Error. Thread-safe on a shared policy and key. */
inline Assertion verify_assertion(const Policy &policy, const StoredCredential &credential,
                                  bytes_view client_data_json, bytes_view authenticator_data,
                                  bytes_view signature, bytes_view challenge, unsigned flags) {
    const dfns_stored_credential record = credential.c_struct();
    dfns_assertion_t *result = nullptr;
    check(dfns_assertion_verify_ex(policy.get(), &record, client_data_json.data(), client_data_json.size(),
                                   authenticator_data.data(), authenticator_data.size(),
                                   signature.data(), signature.size(), challenge.data(), challenge.size(),
                                   flags, &result));
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

/** The values of an assertion verified by verify_assertion_cose (dfns_assertion_info): a plain,
 *  owning value with no handle behind it (copyable, unlike Assertion). */
struct AssertionInfo {
    /** The new signature counter to store. */
    std::uint32_t sign_count = 0;
    /** The authenticator data flags byte (dfns::FLAG_*). */
    std::uint8_t flags = 0;
    /** Whether the counter did not increase and the policy only flags it (see
     *  Policy::flag_sign_count_regression). */
    bool sign_count_regressed = false;
    /** The authenticator extension outputs as CBOR (a map); empty when there are none. */
    std::vector<std::uint8_t> extensions;

    /** Whether the user was verified (UV). */
    bool user_verified() const noexcept { return (flags & FLAG_UV) != 0; }
};

/** Imports a stored COSE_Key and verifies an assertion response with it in one call, for relying
 *  parties that keep only the credential's COSE bytes (dfns_assertion_verify_cose, since 0.2): the
 *  same outcome as PublicKey::from_cose followed by verify_assertion, without a key or assertion
 *  handle. The library's extensions buffer is copied into the result and released before returning.
 *  In: cose_key: the stored COSE_Key bytes (strict CTAP2 canonical CBOR). sign_count: the last
 *      stored counter. backup_eligible: the BE recorded at registration, or std::nullopt to skip
 *      the BE consistency check. client_data_json, authenticator_data, signature: the response's
 *      exact bytes. challenge: the challenge issued for this ceremony (not empty).
 *  Throws: dfns::Error: the key is checked first, with the status PublicKey::from_cose would give
 *          (DFNS_ERR_MALFORMED_CBOR, _TRAILING_BYTES, _MALFORMED_COSE_KEY, _UNSUPPORTED_ALGORITHM,
 *          _INVALID_PUBLIC_KEY); then the DFNS_ERR_* of the first assertion check that failed
 *          (e.g. DFNS_ERR_SIGNATURE_INVALID, _CHALLENGE_MISMATCH, _SIGN_COUNT_NOT_INCREASED);
 *          DFNS_ERR_INVALID_ARGUMENT for an empty policy or an empty challenge.
 *  Thread-safe on a shared policy. */
inline AssertionInfo verify_assertion_cose(const Policy &policy, bytes_view cose_key, std::uint32_t sign_count,
                                           std::optional<bool> backup_eligible, bytes_view client_data_json,
                                           bytes_view authenticator_data, bytes_view signature, bytes_view challenge) {
    dfns_assertion_info info{};
    check(dfns_assertion_verify_cose(policy.get(), cose_key.data(), cose_key.size(), sign_count,
                                     backup_eligible.has_value() ? (*backup_eligible ? 1 : 0) : -1,
                                     client_data_json.data(), client_data_json.size(), authenticator_data.data(),
                                     authenticator_data.size(), signature.data(), signature.size(), challenge.data(),
                                     challenge.size(), &info));
    // Owned by the caller now: released with dfns_free however the copy below ends.
    const std::unique_ptr<std::uint8_t, void (*)(void *)> extensions(info.extensions, &dfns_free);
    AssertionInfo result;
    result.sign_count = info.sign_count;
    result.flags = info.flags;
    result.sign_count_regressed = info.sign_count_regressed != 0;
    result.extensions = detail::copy_bytes(info.extensions, info.extensions_len);
    return result;
}

/* ----------------------------------------------------------------------------------------------
 * WebAuthn JSON forms (since 0.4): PublicKeyCredential.toJSON() output in, options JSON out
 * ------------------------------------------------------------------------------------------- */

namespace detail {
using client_outputs_traits = handle_traits<dfns_client_outputs_t, &dfns_client_outputs_free>;

/** A C pointer for an optional string argument (NULL for std::nullopt), its copy kept in `slot`. */
inline const char *optional_c_string(const std::optional<std::string_view> &text, std::optional<std::string> &slot) {
    if (!text) return nullptr;
    slot = c_string(*text);
    return slot->c_str();
}

/** The C descriptors for `credentials`; `transport_slots` keeps the pointer arrays alive. */
template <typename Descriptor>
inline std::vector<dfns_credential_descriptor> c_descriptors(const std::vector<Descriptor> &credentials,
                                                             std::vector<std::vector<const char *>> &transport_slots) {
    std::vector<dfns_credential_descriptor> result;
    transport_slots.clear();
    transport_slots.reserve(credentials.size());
    for (const Descriptor &credential : credentials) {
        std::vector<const char *> names;
        for (const std::string &transport : credential.transports) {
            if (contains_nul(transport)) throw Error(DFNS_ERR_INVALID_ARGUMENT, "a transport contains a NUL byte");
            names.push_back(transport.c_str());
        }
        transport_slots.push_back(std::move(names));
        dfns_credential_descriptor item;
        item.id = credential.id.data();
        item.id_len = credential.id.size();
        item.transports = transport_slots.back().empty() ? nullptr : transport_slots.back().data();
        item.transport_count = transport_slots.back().size();
        result.push_back(item);
    }
    return result;
}

/** Pointers to the strings of `values` (each checked for NUL). */
inline std::vector<const char *> c_strings(const std::vector<std::string> &values) {
    std::vector<const char *> result;
    for (const std::string &value : values) {
        if (contains_nul(value)) throw Error(DFNS_ERR_INVALID_ARGUMENT, "a string passed to the library contains a NUL byte");
        result.push_back(value.c_str());
    }
    return result;
}
} // namespace detail

/** What the client reported beside a verified toJSON() response (dfns_client_outputs_t):
 *  transports, attachment, extension outputs, user handle. Nothing signs them. Immutable; const
 *  calls may run on many threads at once. Move-only. Since 0.4. */
class ClientOutputs : public detail::unique_handle<detail::client_outputs_traits> {
public:
    /** Empty outputs (owns nothing). */
    ClientOutputs() noexcept = default;
    /** Takes ownership of outputs created through the C API (may be null). */
    explicit ClientOutputs(dfns_client_outputs_t *adopted) noexcept : unique_handle(adopted) {}

    /** `response.transports` as a JSON array text, or std::nullopt when the document has none. */
    std::optional<std::string> transports_json() const {
        const char *text = nullptr;
        check(dfns_client_outputs_transports(get(), &text));
        if (text == nullptr) return std::nullopt;
        return std::string(text);
    }
    /** `authenticatorAttachment`, or std::nullopt when absent. */
    std::optional<std::string> authenticator_attachment() const {
        const char *text = nullptr;
        check(dfns_client_outputs_authenticator_attachment(get(), &text));
        if (text == nullptr) return std::nullopt;
        return std::string(text);
    }
    /** `clientExtensionResults` as canonical JSON text, `prf.results` left out. */
    std::string extension_results_json() const {
        const char *text = nullptr;
        check(dfns_client_outputs_extension_results(get(), &text));
        return detail::copy_string(text);
    }
    /** Whether the client reported `appid: true`. */
    bool appid() const {
        int used = 0;
        check(dfns_client_outputs_appid(get(), &used));
        return used != 0;
    }
    /** `credProps.rk`, or std::nullopt when not reported. */
    std::optional<bool> cred_props_rk() const {
        int rk = -1;
        check(dfns_client_outputs_cred_props_rk(get(), &rk));
        if (rk < 0) return std::nullopt;
        return rk != 0;
    }
    /** An assertion's `response.userHandle` (a copy), or std::nullopt when absent. */
    std::optional<std::vector<std::uint8_t>> user_handle() const {
        const std::uint8_t *ptr = nullptr;
        std::size_t len = 0;
        check(dfns_client_outputs_user_handle(get(), &ptr, &len));
        if (ptr == nullptr) return std::nullopt;
        return detail::copy_bytes(ptr, len);
    }

    /** The out-parameter slot for the C functions (must be empty). */
    dfns_client_outputs_t **out_slot() noexcept { return out(); }
};

/** A registration verified from its toJSON() document, with the client's outputs. Since 0.4. */
struct RegistrationJSON {
    Registration registration;
    ClientOutputs client_outputs;
};

/** An assertion verified from its toJSON() document, with the client's outputs. Since 0.4. */
struct AssertionJSON {
    Assertion assertion;
    ClientOutputs client_outputs;
};

/** Verifies a registration from its `PublicKeyCredential.toJSON()` text
 *  (dfns_registration_verify_json, since 0.4).
 *  Throws: dfns::Error: DFNS_ERR_MALFORMED_CREDENTIAL_JSON naming the member at fault, or the
 *          DFNS_ERR_* of the first verification check that failed. Thread-safe on a shared policy. */
inline RegistrationJSON verify_registration_json(const Policy &policy, std::string_view json, bytes_view challenge) {
    dfns_registration_t *result = nullptr;
    ClientOutputs outputs;
    check(dfns_registration_verify_json(policy.get(), reinterpret_cast<const std::uint8_t *>(json.data()), json.size(),
                                        challenge.data(), challenge.size(), &result, outputs.out_slot()));
    return RegistrationJSON{Registration(result), std::move(outputs)};
}

/** The credential ID (`rawId`) and user handle of an assertion's toJSON() text, to find the
 *  stored credential (dfns_assertion_json_credential_id, since 0.4). Throws dfns::Error. */
inline std::pair<std::vector<std::uint8_t>, std::optional<std::vector<std::uint8_t>>>
assertion_json_credential_id(std::string_view json) {
    std::uint8_t *id = nullptr, *handle = nullptr;
    std::size_t id_len = 0, handle_len = 0;
    check(dfns_assertion_json_credential_id(reinterpret_cast<const std::uint8_t *>(json.data()), json.size(), &id, &id_len,
                                            &handle, &handle_len));
    const std::unique_ptr<std::uint8_t, void (*)(void *)> id_owner(id, &dfns_free);
    const std::unique_ptr<std::uint8_t, void (*)(void *)> handle_owner(handle, &dfns_free);
    std::optional<std::vector<std::uint8_t>> user_handle;
    if (handle != nullptr) user_handle = detail::copy_bytes(handle, handle_len);
    return {detail::copy_bytes(id, id_len), std::move(user_handle)};
}

/** Verifies an assertion from its `PublicKeyCredential.toJSON()` text with a kept key
 *  (dfns_assertion_verify_json, since 0.4); `rawId` must be `credential_id`.
 *  Throws: dfns::Error as verify_registration_json, DFNS_ERR_CREDENTIAL_ID_MISMATCH for another
 *          credential. Thread-safe on a shared policy and key. */
inline AssertionJSON verify_assertion_json(const Policy &policy, const StoredCredential &credential,
                                           bytes_view credential_id, std::string_view json, bytes_view challenge) {
    const dfns_stored_credential record = credential.c_struct();
    dfns_assertion_t *result = nullptr;
    ClientOutputs outputs;
    check(dfns_assertion_verify_json(policy.get(), &record, credential_id.data(), credential_id.size(),
                                     reinterpret_cast<const std::uint8_t *>(json.data()), json.size(), challenge.data(),
                                     challenge.size(), &result, outputs.out_slot()));
    return AssertionJSON{Assertion(result), std::move(outputs)};
}

/** A credential for excludeCredentials / allowCredentials, with its stored transports. Since 0.4. */
struct CredentialDescriptor {
    std::vector<std::uint8_t> id;
    std::vector<std::string> transports;
};

/** Options JSON and the challenge to keep. Since 0.4. */
struct OptionsJSON {
    /** The canonical JSON text to send. */
    std::string json;
    /** The challenge (given, or 32 random bytes the library drew). */
    std::vector<std::uint8_t> challenge;
};

/** The per-ceremony inputs of a registration's options (dfns_creation_options_inputs). Since 0.4. */
struct CreationOptionsInputs {
    std::string rp_name;
    std::vector<std::uint8_t> user_id;
    std::string user_name;
    std::string user_display_name;
    /** Empty: 32 random bytes. */
    std::vector<std::uint8_t> challenge;
    std::vector<CredentialDescriptor> exclude_credentials;
    std::optional<std::string> attestation, resident_key, authenticator_attachment, user_verification;
    std::vector<std::string> hints;
    bool cred_props = false;
    std::optional<std::string> appid_exclude;
    /** Further extension inputs as a JSON object text. */
    std::optional<std::string> extensions_json;
    /** 0: left out. */
    std::uint32_t timeout_ms = 0;
};

/** The per-ceremony inputs of an assertion's options (dfns_request_options_inputs). Since 0.4. */
struct RequestOptionsInputs {
    /** Empty: 32 random bytes. */
    std::vector<std::uint8_t> challenge;
    std::vector<CredentialDescriptor> allow_credentials;
    std::optional<std::string> user_verification;
    std::vector<std::string> hints;
    std::optional<std::string> appid;
    std::optional<std::string> extensions_json;
    std::uint32_t timeout_ms = 0;
};

namespace detail {
inline OptionsJSON take_options(char *json, std::uint8_t *challenge, std::size_t challenge_len) {
    const std::unique_ptr<char, void (*)(void *)> json_owner(json, &dfns_free);
    const std::unique_ptr<std::uint8_t, void (*)(void *)> challenge_owner(challenge, &dfns_free);
    return OptionsJSON{copy_string(json), copy_bytes(challenge, challenge_len)};
}
} // namespace detail

/** A registration's PublicKeyCredentialCreationOptionsJSON under `policy`
 *  (dfns_creation_options_json, since 0.4). Throws dfns::Error (DFNS_ERR_INVALID_ARGUMENT naming
 *  the input at fault). Thread-safe on a shared policy. */
inline OptionsJSON creation_options_json(const Policy &policy, const CreationOptionsInputs &inputs) {
    std::vector<std::vector<const char *>> transport_slots;
    const std::vector<dfns_credential_descriptor> excluded = detail::c_descriptors(inputs.exclude_credentials, transport_slots);
    const std::vector<const char *> hints = detail::c_strings(inputs.hints);
    std::optional<std::string> rp_name, user_name, display_name, attestation, resident_key, attachment, verification, appid_exclude,
        extensions;
    dfns_creation_options_inputs c{};
    c.struct_size = sizeof c;
    c.challenge = inputs.challenge.empty() ? nullptr : inputs.challenge.data();
    c.challenge_len = inputs.challenge.size();
    c.rp_name = detail::optional_c_string(inputs.rp_name, rp_name);
    c.user_id = inputs.user_id.data();
    c.user_id_len = inputs.user_id.size();
    c.user_name = detail::optional_c_string(inputs.user_name, user_name);
    c.user_display_name = detail::optional_c_string(inputs.user_display_name, display_name);
    c.exclude_credentials = excluded.empty() ? nullptr : excluded.data();
    c.exclude_credential_count = excluded.size();
    c.attestation = detail::optional_c_string(inputs.attestation, attestation);
    c.resident_key = detail::optional_c_string(inputs.resident_key, resident_key);
    c.authenticator_attachment = detail::optional_c_string(inputs.authenticator_attachment, attachment);
    c.user_verification = detail::optional_c_string(inputs.user_verification, verification);
    c.hints = hints.empty() ? nullptr : hints.data();
    c.hint_count = hints.size();
    c.cred_props = inputs.cred_props ? 1 : 0;
    c.appid_exclude = detail::optional_c_string(inputs.appid_exclude, appid_exclude);
    c.extensions_json = detail::optional_c_string(inputs.extensions_json, extensions);
    c.timeout_ms = inputs.timeout_ms;
    char *json = nullptr;
    std::uint8_t *challenge = nullptr;
    std::size_t challenge_len = 0;
    check(dfns_creation_options_json(policy.get(), &c, &json, &challenge, &challenge_len));
    return detail::take_options(json, challenge, challenge_len);
}

/** An assertion's PublicKeyCredentialRequestOptionsJSON under `policy` (dfns_request_options_json,
 *  since 0.4). Throws dfns::Error. Thread-safe on a shared policy. */
inline OptionsJSON request_options_json(const Policy &policy, const RequestOptionsInputs &inputs) {
    std::vector<std::vector<const char *>> transport_slots;
    const std::vector<dfns_credential_descriptor> allowed = detail::c_descriptors(inputs.allow_credentials, transport_slots);
    const std::vector<const char *> hints = detail::c_strings(inputs.hints);
    std::optional<std::string> verification, appid, extensions;
    dfns_request_options_inputs c{};
    c.struct_size = sizeof c;
    c.challenge = inputs.challenge.empty() ? nullptr : inputs.challenge.data();
    c.challenge_len = inputs.challenge.size();
    c.allow_credentials = allowed.empty() ? nullptr : allowed.data();
    c.allow_credential_count = allowed.size();
    c.user_verification = detail::optional_c_string(inputs.user_verification, verification);
    c.hints = hints.empty() ? nullptr : hints.data();
    c.hint_count = hints.size();
    c.appid = detail::optional_c_string(inputs.appid, appid);
    c.extensions_json = detail::optional_c_string(inputs.extensions_json, extensions);
    c.timeout_ms = inputs.timeout_ms;
    char *json = nullptr;
    std::uint8_t *challenge = nullptr;
    std::size_t challenge_len = 0;
    check(dfns_request_options_json(policy.get(), &c, &json, &challenge, &challenge_len));
    return detail::take_options(json, challenge, challenge_len);
}

/** The request options JSON a passkey needs to answer a Dfns user-action challenge
 *  (dfns_user_action_challenge_request_options, since 0.4). rp_id std::nullopt: the challenge's
 *  deprecated rp.id. timeout_ms 0: left out. Throws dfns::Error. */
inline std::string user_action_challenge_request_options(std::string_view challenge_json,
                                                         std::optional<std::string_view> rp_id = std::nullopt,
                                                         std::uint32_t timeout_ms = 0) {
    const std::string challenge = detail::c_string(challenge_json);
    std::optional<std::string> rp_id_copy;
    detail::library_text out;
    check(dfns_user_action_challenge_request_options(challenge.c_str(), detail::optional_c_string(rp_id, rp_id_copy),
                                                     timeout_ms, out.out()));
    return out.str();
}

/** The creation options JSON a passkey needs to answer a Dfns registration challenge
 *  (dfns_registration_challenge_creation_options, since 0.4). Throws dfns::Error. */
inline std::string registration_challenge_creation_options(std::string_view challenge_json,
                                                           std::optional<std::string_view> rp_id = std::nullopt,
                                                           std::optional<std::string_view> rp_name = std::nullopt,
                                                           std::uint32_t timeout_ms = 0) {
    const std::string challenge = detail::c_string(challenge_json);
    std::optional<std::string> rp_id_copy, rp_name_copy;
    detail::library_text out;
    check(dfns_registration_challenge_creation_options(challenge.c_str(), detail::optional_c_string(rp_id, rp_id_copy),
                                                       detail::optional_c_string(rp_name, rp_name_copy), timeout_ms,
                                                       out.out()));
    return out.str();
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
    detail::library_text text;
    check(dfns_inspect(data.data(), data.size(), static_cast<int>(kind), static_cast<int>(format), text.out()));
    return text.str();
}

/* ----------------------------------------------------------------------------------------------
 * FIDO metadata (since 0.4)
 * ------------------------------------------------------------------------------------------- */

/** A verified FIDO MDS3 BLOB (dfns_metadata_t), indexed by AAGUID. Immutable; const calls may run
 *  on many threads at once; policies given it keep their own reference. Move-only. */
class Metadata : public detail::unique_handle<detail::metadata_traits> {
public:
    /** An empty metadata object (owns nothing). */
    Metadata() noexcept = default;
    /** Takes ownership of metadata loaded through the C API (may be null). */
    explicit Metadata(dfns_metadata_t *adopted) noexcept : unique_handle(adopted) {}

    /** Reads and verifies a BLOB (dfns_metadata_load).
     *  In: blob: the BLOB as downloaded. root: PEM text or one DER certificate (for the FIDO
     *      service: GlobalSign Root R3). unix_seconds: the verification time, negative for now.
     *      accept_stale: accept a BLOB whose nextUpdate date has passed.
     *  Throws: dfns::Error with DFNS_ERR_METADATA_INVALID (signature, chain, expired certificate,
     *          stale, malformed field), DFNS_ERR_INPUT_TOO_LARGE or DFNS_ERR_INVALID_ARGUMENT. */
    static Metadata load(bytes_view blob, bytes_view root, std::int64_t unix_seconds = -1, bool accept_stale = false) {
        Metadata metadata;
        check(dfns_metadata_load(blob.data(), blob.size(), root.data(), root.size(), unix_seconds, accept_stale ? 1 : 0,
                                 metadata.out()));
        return metadata;
    }

    /** The BLOB's serial number (`no`). */
    std::int64_t number() const {
        std::int64_t value = 0;
        check(dfns_metadata_number(get(), &value));
        return value;
    }

    /** The BLOB's nextUpdate date, "YYYY-MM-DD" (a copy). */
    std::string next_update() const {
        const char *text = nullptr;
        check(dfns_metadata_next_update(get(), &text));
        return detail::copy_string(text);
    }

    /** The number of entries. */
    std::size_t size() const {
        std::size_t count = 0;
        check(dfns_metadata_entry_count(get(), &count));
        return count;
    }

    /** Entry `index` as one JSON object (see dfns_metadata_entry_json).
     *  Throws: dfns::Error with DFNS_ERR_NOT_FOUND when index >= size(). */
    std::string entry_json(std::size_t index) const {
        detail::library_text text;
        check(dfns_metadata_entry_json(get(), index, text.out()));
        return text.str();
    }

    /** The entry for a 16-byte AAGUID as one JSON object, or nothing when the BLOB has none.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT for another length. */
    std::optional<std::string> find(bytes_view aaguid) const {
        detail::library_text text;
        int status = dfns_metadata_find_aaguid(get(), aaguid.data(), aaguid.size(), text.out());
        if (status == DFNS_ERR_NOT_FOUND) return std::nullopt;
        check(status);
        return text.str();
    }
};

/** Makes registrations under `policy` use `metadata` (the policy keeps its own reference), or,
 *  with a null `metadata`, stops it (dfns_policy_set_metadata). Needs exclusive access to the policy.
 *  require_entry: refuse an authenticator the BLOB does not list (DFNS_ERR_METADATA_ENTRY_MISSING). */
inline void set_policy_metadata(Policy &policy, const Metadata *metadata, bool require_entry = false) {
    check(dfns_policy_set_metadata(policy.get(), metadata != nullptr ? metadata->get() : nullptr, require_entry ? 1 : 0));
}

namespace detail {
/** A dfns_registration_metadata_* getter: the text, or nothing on DFNS_ERR_NOT_FOUND. */
inline std::optional<std::string> registration_metadata_text(int (*getter)(const dfns_registration_t *, const char **),
                                                             const Registration &registration) {
    const char *text = nullptr;
    int status = getter(registration.get(), &text);
    if (status == DFNS_ERR_NOT_FOUND) return std::nullopt;
    check(status);
    return copy_string(text);
}
} // namespace detail

/** The description of the registration's metadata entry, or nothing when there is none
 *  (dfns_registration_metadata_description). */
inline std::optional<std::string> registration_metadata_description(const Registration &registration) {
    return detail::registration_metadata_text(&dfns_registration_metadata_description, registration);
}

/** The latest metadata status of the registration's authenticator (e.g. "FIDO_CERTIFIED_L1"), or
 *  nothing when there is no entry (dfns_registration_metadata_status). */
inline std::optional<std::string> registration_metadata_status(const Registration &registration) {
    return detail::registration_metadata_text(&dfns_registration_metadata_status, registration);
}

/* ----------------------------------------------------------------------------------------------
 * Signers and Dfns cryptography (since 0.2)
 *
 * A dfns::Signer signs Dfns user-action challenges: a Key credential (PEM/DER private key), an
 * external signing function (an HSM or a KMS behind a std::function), a passkey of the software
 * authenticator, a password-protected key or a recovery key. Webhook and returned-signature
 * verification, key generation and key envelopes are free functions.
 *
 * Exceptions thrown by host callbacks. The library calls a host callback (an external signer's
 * function, a Client's transport) on the thread of the library call that needs it, and nothing may
 * unwind through C. The wrapper's trampoline therefore catches every exception, keeps it in a
 * thread-local slot and returns a failure (the C call then fails with DFNS_ERR_SIGNER_CALLBACK,
 * DFNS_ERR_TRANSPORT_CALLBACK, or the transport status the exception names; see Client). The
 * wrapper call that ran the C call (Signer::sign_challenge, Client::request, ...) then rethrows
 * that very exception, unchanged, to its caller: a signing function that throws MyHsmError makes
 * Client::request throw MyHsmError. Only when the C call failed with another status than the one
 * the callback's failure produces (which the library does not do) is a dfns::Error thrown instead,
 * with the exception's what() appended to the library's message. A callback run by a C function
 * called directly (on a handle's get()) cannot hand its exception over: that C call just fails with
 * the callback status, and the exception is dropped by the next wrapper call on the thread that can
 * run a callback (Signer::sign_challenge, the Client calls), or when the thread ends.
 * ------------------------------------------------------------------------------------------- */

/** Overwrites the bytes of a secret held in a std::string (a private key PEM, a recovery code)
 *  with zeros, in a way the compiler does not elide, then empties the string. Copies the string
 *  made earlier (reallocations, copies, the caller's own) are not reached. */
inline void wipe(std::string &secret) noexcept {
    if (!secret.empty()) detail::wipe_bytes(&secret[0], secret.size());
    secret.clear();
}

namespace detail {

using signer_traits = handle_traits<dfns_signer_t, &dfns_signer_free>;
using client_traits = handle_traits<dfns_client_t, &dfns_client_free>;
using result_traits = handle_traits<dfns_result_t, &dfns_result_free>;

/** A NUL-terminated copy of an optional string for the C API (std::nullopt: NULL). Named apart
 *  from c_string so that a std::string or const char * argument is never ambiguous. */
inline std::optional<std::string> c_string_or_null(const std::optional<std::string_view> &text) {
    if (!text) return std::nullopt;
    return c_string(*text);
}
/** The C pointer of an optional string copy (NULL for std::nullopt). */
inline const char *c_ptr(const std::optional<std::string> &text) noexcept { return text ? text->c_str() : nullptr; }

/** A copy of a secret string for the C API (a bearer token), wiped when it goes. */
struct wiped_string {
    std::optional<std::string> text;
    ~wiped_string() {
        if (text) wipe(*text);
    }
};

/** The exception a host callback threw on this thread, and the status the library call that ran
 *  the callback fails with because of it. */
struct callback_failure {
    std::exception_ptr exception;
    int status = DFNS_OK;
};

/** This thread's slot for the exception of the last host callback (one per thread). */
inline callback_failure &pending_callback_failure() noexcept {
    static thread_local callback_failure slot;
    return slot;
}

/** Called by a trampoline as the callback starts: forgets an exception of an earlier callback
 *  (e.g. a read that failed and was retried). */
inline void begin_callback() noexcept { pending_callback_failure() = callback_failure{}; }

/** Called by a trampoline from a catch handler: keeps the exception being handled. */
inline void keep_callback_exception(int status) noexcept {
    callback_failure &slot = pending_callback_failure();
    slot.exception = std::current_exception();
    slot.status = status;
}

/** what() of a kept exception, for a message. */
inline std::string describe(const std::exception_ptr &exception) {
    try {
        std::rethrow_exception(exception);
    } catch (const std::exception &e) {
        return e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

/** How many callback_scopes are open on this thread (wrapper calls made inside host callbacks nest). */
inline int &open_callback_scopes() noexcept {
    static thread_local int count = 0;
    return count;
}

/** Brackets one wrapper call into a C function that may run host callbacks on this thread: the
 *  slot starts empty, and the caller's own slot (a wrapper call made inside a callback) is restored
 *  at the end. The outermost scope restores nothing: what it finds in the slot was left by a C
 *  function called directly, which no wrapper call waits for, and is dropped at once.
 *  check() throws for a failing status: the callback's exception when the failure is its doing,
 *  else dfns::Error. */
class callback_scope {
public:
    callback_scope() noexcept : saved_(std::exchange(pending_callback_failure(), callback_failure{})) {
        if (open_callback_scopes()++ == 0) saved_ = callback_failure{};
    }
    callback_scope(const callback_scope &) = delete;
    callback_scope &operator=(const callback_scope &) = delete;
    ~callback_scope() {
        --open_callback_scopes();
        pending_callback_failure() = std::move(saved_);
    }

    /** Throws unless `status` is DFNS_OK (call it at once on the C function's status). */
    void check(int status) const {
        if (status == DFNS_OK) return;
        std::string message = dfns_last_error();
        const callback_failure failure = std::exchange(pending_callback_failure(), callback_failure{});
        if (failure.exception) {
            if (failure.status == status) std::rethrow_exception(failure.exception);
            message += message.empty() ? "" : "; ";
            message += "a host callback threw: " + describe(failure.exception);
        }
        throw Error(status, std::move(message));
    }

private:
    callback_failure saved_;
};

} // namespace detail

/** A host signing function for Signer::external: signs `message` (the exact bytes, a clientData
 *  document, never a digest) with the credential's key and returns the signature in the Dfns
 *  encoding of `kind`: Ed25519 raw R || S (64 bytes); P-256 and secp256k1 ECDSA over
 *  SHA-256(message) as ASN.1 DER; RSA PKCS#1 v1.5 with SHA-256 (at most DFNS_SIGNATURE_CAPACITY
 *  bytes). To fail, throw: the exception reaches the caller of the wrapper call that asked for the
 *  signature. The library checks every signature with the credential's public key before using it. */
using SignFunction = std::function<std::vector<std::uint8_t>(dfns_key_kind kind, bytes_view message)>;

/** A user-action signer (dfns_signer_t). Immutable once created: const calls may run on many
 *  threads at once, and a Client keeps its own reference (the Signer may be destroyed after
 *  Client::set_signer). Move-only. */
class Signer : public detail::unique_handle<detail::signer_traits> {
public:
    /** An empty signer (owns nothing). Use the static constructors below for a working one. */
    Signer() noexcept = default;
    /** Takes ownership of a signer created through the C API (may be null). */
    explicit Signer(dfns_signer_t *adopted) noexcept : unique_handle(adopted) {}

    /** A signer for a Dfns Key credential whose private key is given (dfns_signer_new_key).
     *  In: private_key: PEM text (PKCS#8, SEC1 or PKCS#1) or the same as DER: Ed25519, P-256,
     *      secp256k1 or RSA (2048 bits or more). The library wipes its own copy; the caller's
     *      bytes are the caller's to wipe.
     *      credential_id: the credId Dfns knows the key by, or std::nullopt for the id the newest
     *      SDKs derive (base64url of SHA-256 of the SubjectPublicKeyInfo).
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING or
     *          DFNS_ERR_UNSUPPORTED_ALGORITHM. */
    static Signer key(bytes_view private_key, std::optional<std::string_view> credential_id = std::nullopt) {
        const std::optional<std::string> id = detail::c_string_or_null(credential_id);
        Signer signer;
        check(dfns_signer_new_key(private_key.data(), private_key.size(), detail::c_ptr(id), signer.out()));
        return signer;
    }

    /** A signer for a Key credential whose private key stays with the host (an HSM, a KMS): each
     *  signature is asked of `sign`, then checked with `public_key` (dfns_signer_new_external).
     *  `sign` is called on the thread of the call that needs a signature, concurrently when the
     *  signer is used from several threads (it must then be thread-safe); it is destroyed when the
     *  last reference to the signer goes (this object, or later the last Client holding it,
     *  possibly on another thread). It must not throw from its destructor.
     *  In: credential_id: the credential's credId (not empty). public_key: PEM "PUBLIC KEY" text or
     *      DER SubjectPublicKeyInfo; it fixes the dfns_key_kind passed to `sign`.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT (also for an empty `sign`),
     *          DFNS_ERR_MALFORMED_ENCODING, DFNS_ERR_INVALID_PUBLIC_KEY, DFNS_ERR_UNSUPPORTED_ALGORITHM. */
    static Signer external(std::string_view credential_id, bytes_view public_key, SignFunction sign) {
        if (!sign) throw Error(DFNS_ERR_INVALID_ARGUMENT, "dfns::Signer::external: the signing function is empty");
        const std::string id = detail::c_string(credential_id);
        auto holder = std::make_unique<SignFunction>(std::move(sign));
        Signer signer;
        check(dfns_signer_new_external(id.c_str(), public_key.data(), public_key.size(), &sign_trampoline, holder.get(),
                                       &free_sign_function, signer.out()));
        holder.release(); // the signer owns it now: free_sign_function deletes it
        return signer;
    }

    /** A Fido2 (passkey) signer over a credential of the software authenticator
     *  (dfns_signer_new_webauthn). The authenticator keeps working for this signer after it is
     *  destroyed. rp_id: the relying party id of the passkeys; origin: written into clientDataJSON;
     *  credential_id: the raw credential id; user_verified: set the UV flag.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT or DFNS_ERR_NOT_FOUND (no such credential
     *          for rp_id). */
    static Signer webauthn(const Authenticator &authenticator, std::string_view rp_id, std::string_view origin,
                           bytes_view credential_id, bool user_verified = true) {
        const std::string rp = detail::c_string(rp_id);
        const std::string org = detail::c_string(origin);
        Signer signer;
        check(dfns_signer_new_webauthn(authenticator.get(), rp.c_str(), org.c_str(), credential_id.data(),
                                       credential_id.size(), user_verified ? 1 : 0, signer.out()));
        return signer;
    }

    /** A signer for a PasswordProtectedKey credential: the envelope is opened once, here
     *  (dfns_signer_new_password_protected_key; PBKDF2 with 100 000 iterations: not cheap).
     *  In: encrypted_private_key: the envelope. password: its UTF-8 bytes. username: the user's
     *      name. credential_id: the credId, or std::nullopt to derive it from the public key.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING or
     *          DFNS_ERR_WRONG_PASSWORD (wrong password or username, or an altered envelope). */
    static Signer password_protected_key(std::string_view encrypted_private_key, bytes_view password,
                                         std::string_view username,
                                         std::optional<std::string_view> credential_id = std::nullopt) {
        return open_envelope(&dfns_signer_new_password_protected_key, encrypted_private_key, password, username,
                             credential_id);
    }

    /** A signer for a RecoveryKey credential: the recovery code opens the envelope once, here
     *  (dfns_signer_new_recovery_key).
     *  In: encrypted_recovery_key: the envelope. recovery_code: the code ("D1-…", 40 bytes).
     *      username: the user's name. credential_id: the credId, or std::nullopt to derive it.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING or
     *          DFNS_ERR_WRONG_PASSWORD. */
    static Signer recovery_key(std::string_view encrypted_recovery_key, bytes_view recovery_code,
                               std::string_view username, std::optional<std::string_view> credential_id = std::nullopt) {
        return open_envelope(&dfns_signer_new_recovery_key, encrypted_recovery_key, recovery_code, username, credential_id);
    }

    /** The credId the signer's assertions carry (a copy; base64url of the raw id for a passkey)
     *  (dfns_signer_credential_id). Throws dfns::Error (DFNS_ERR_INVALID_ARGUMENT for an empty
     *  signer, DFNS_ERR_UNSUPPORTED for a signer without one). */
    std::string credential_id() const {
        const char *text = nullptr;
        check(dfns_signer_credential_id(get(), &text));
        return detail::copy_string(text);
    }

    /** Signs a user-action challenge (dfns_signer_sign_challenge): what the device of the delegated
     *  flow runs on the challenge Client::delegated_init handed over.
     *  In:  challenge_json: the answer of POST /auth/action/init, or the delegated request
     *       ({"method","path","body","challenge"}) whose challenge is signed.
     *  Returns: the firstFactor of POST /auth/action, compact JSON ({"kind":…,"credentialAssertion":{…}}).
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_SIGNER (the challenge does not
     *          allow the signer's credential), DFNS_ERR_SIGNER_CALLBACK, DFNS_ERR_INPUT_TOO_LARGE,
     *          DFNS_ERR_UNSUPPORTED; or the exception an external signer's function threw.
     *  Thread-safe: one signer may sign on many threads at once. */
    std::string sign_challenge(std::string_view challenge_json) const {
        const std::string challenge = detail::c_string(challenge_json);
        detail::library_text first_factor;
        const detail::callback_scope scope;
        scope.check(dfns_signer_sign_challenge(get(), challenge.c_str(), first_factor.out()));
        return first_factor.str();
    }

    /** Signs an account recovery with a recovery_key signer (dfns_signer_sign_recovery; since 0.3):
     *  an assertion over base64url of the compact JSON of `new_credentials_json`.
     *  Returns: the `recovery` member of POST /auth/recover/user ({"kind":"RecoveryKey",…}), compact JSON.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT (not a JSON object), DFNS_ERR_UNSUPPORTED
     *          (not a recovery key signer), DFNS_ERR_SIGNER. Thread-safe. */
    std::string sign_recovery(std::string_view new_credentials_json) const {
        const std::string credentials = detail::c_string(new_credentials_json);
        detail::library_text recovery;
        check(dfns_signer_sign_recovery(get(), credentials.c_str(), recovery.out()));
        return recovery.str();
    }

private:
    /** password_protected_key and recovery_key: the C functions take the same arguments. */
    static Signer open_envelope(decltype(&dfns_signer_new_password_protected_key) open, std::string_view encrypted_key,
                                bytes_view secret, std::string_view username,
                                const std::optional<std::string_view> &credential_id) {
        const std::string envelope = detail::c_string(encrypted_key);
        const std::string user = detail::c_string(username);
        const std::optional<std::string> id = detail::c_string_or_null(credential_id);
        Signer signer;
        check(open(envelope.c_str(), secret.data(), secret.size(), user.c_str(), detail::c_ptr(id), signer.out()));
        return signer;
    }

    static int sign_trampoline(void *user, int key_kind, const std::uint8_t *message, std::size_t message_len,
                               std::uint8_t *signature, std::size_t signature_capacity, std::size_t *signature_len) noexcept {
        detail::begin_callback();
        try {
            const SignFunction &sign = *static_cast<const SignFunction *>(user);
            const std::vector<std::uint8_t> produced = sign(static_cast<dfns_key_kind>(key_kind), bytes_view(message, message_len));
            if (produced.size() > signature_capacity)
                throw Error(DFNS_ERR_SIGNER_CALLBACK, "the signing function returned " + std::to_string(produced.size()) +
                                                          " bytes; a signature has at most " +
                                                          std::to_string(signature_capacity));
            if (!produced.empty()) std::memcpy(signature, produced.data(), produced.size());
            *signature_len = produced.size();
            return 0;
        } catch (...) {
            detail::keep_callback_exception(DFNS_ERR_SIGNER_CALLBACK);
            return DFNS_ERR_SIGNER_CALLBACK;
        }
    }
    static void free_sign_function(void *user) noexcept { delete static_cast<SignFunction *>(user); }
};

/** Verifies a Dfns webhook delivery (dfns_webhook_verify): the X-DFNS-WEBHOOK-SIGNATURE header must
 *  be one "sha256=<hex>" entry equal to HMAC-SHA256(secret, body), the body a JSON event, and its
 *  timestampSent at most max_age seconds before `now` and allowed_future_skew seconds after it.
 *  In:  secret: the webhook's secret (the `whs-…` text); body: the request body exactly as received;
 *       signature_header: the header's value, std::nullopt when absent; now: Unix seconds
 *       (e.g. std::time(nullptr)). Keep processed event ids for max_age seconds to drop replays.
 *  Returns: the verified event as compact JSON.
 *  Throws: dfns::Error with DFNS_ERR_WEBHOOK_INVALID, the reason first in message()
 *          ("signature_mismatch", "too_old", ...), or DFNS_ERR_INVALID_ARGUMENT. Thread-safe. */
inline std::string verify_webhook(bytes_view secret, bytes_view body, std::optional<std::string_view> signature_header,
                                  std::int64_t now, std::int64_t max_age = 300, std::int64_t allowed_future_skew = 60) {
    const std::optional<std::string> header = detail::c_string_or_null(signature_header);
    detail::library_text event;
    check(dfns_webhook_verify(secret.data(), secret.size(), body.data(), body.size(), detail::c_ptr(header), now, max_age,
                              allowed_future_skew, event.out()));
    return event.str();
}

/** Verifies a signature the Dfns keys API returned (POST /keys/{keyId}/signatures) against the
 *  key's publicKey before it is forwarded (dfns_returned_signature_verify).
 *  In:  kind: DFNS_KEY_SECP256K1, DFNS_KEY_P256 or DFNS_KEY_ED25519. public_key_hex: the key's
 *       publicKey ("0x" optional). signed_data: ECDSA: the 32-byte digest; Ed25519: the message.
 *       r, s: hex. recid: 0…3, or std::nullopt when absent (secp256k1 recovers the key with it).
 *       encoded: the `encoded` hex, or std::nullopt. allow_high_s: accept a secp256k1 S above n/2.
 *  Returns: true when it verifies; false for DFNS_ERR_RETURNED_SIGNATURE_INVALID (no match,
 *           another key recovered, high S, a bad recid, malformed r/s/encoded).
 *  Throws: dfns::Error for any other failure (DFNS_ERR_INVALID_PUBLIC_KEY, DFNS_ERR_UNSUPPORTED for
 *          RSA, DFNS_ERR_INVALID_ARGUMENT). Thread-safe. */
[[nodiscard]] inline bool verify_returned_signature(dfns_key_kind kind, std::string_view public_key_hex,
                                                    bytes_view signed_data, std::string_view r, std::string_view s,
                                                    std::optional<int> recid = std::nullopt,
                                                    std::optional<std::string_view> encoded = std::nullopt,
                                                    bool allow_high_s = false) {
    const std::string key = detail::c_string(public_key_hex);
    const std::string r_hex = detail::c_string(r);
    const std::string s_hex = detail::c_string(s);
    const std::optional<std::string> encoded_hex = detail::c_string_or_null(encoded);
    const int status = dfns_returned_signature_verify(static_cast<int>(kind), key.c_str(), signed_data.data(),
                                                      signed_data.size(), r_hex.c_str(), s_hex.c_str(), recid.value_or(-1),
                                                      detail::c_ptr(encoded_hex),
                                                      allow_high_s ? DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S : 0);
    if (status == DFNS_ERR_RETURNED_SIGNATURE_INVALID) return false;
    check(status);
    return true;
}

/** A new key for a Key credential, as generate_key returns it. private_key_pem is secret: the
 *  library's buffer was wiped before it was released, but this std::string copy is the caller's to
 *  wipe (dfns::wipe(key.private_key_pem)) once the key is stored or handed to Signer::key. */
struct GeneratedKey {
    /** The unencrypted PKCS#8 PEM ("PRIVATE KEY"): secret. */
    std::string private_key_pem;
    /** The SubjectPublicKeyInfo PEM ("PUBLIC KEY"), as Key attestations carry it. */
    std::string public_key_pem;
    /** The credential id the newest SDKs give a new key (base64url of SHA-256 of the SPKI DER). */
    std::string credential_id;
};

/** Generates a key for a new Key credential (dfns_key_generate).
 *  In:  kind: a dfns_key_kind. rsa_bits: the RSA modulus size (2048…16384), 0 for 2048; ignored
 *       for other kinds.
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT or DFNS_ERR_SIGNER. Thread-safe. */
inline GeneratedKey generate_key(dfns_key_kind kind, int rsa_bits = 0) {
    detail::library_text private_pem(true), public_pem, credential_id;
    check(dfns_key_generate(static_cast<int>(kind), rsa_bits, private_pem.out(), public_pem.out(), credential_id.out()));
    GeneratedKey key;
    key.public_key_pem = public_pem.str();
    key.credential_id = credential_id.str();
    key.private_key_pem = private_pem.str(); // last: nothing after it throws with an unwiped copy
    return key;                              // private_pem's destructor wipes the library's buffer
}

/** Wraps a P-256 private key under a password as the `encryptedPrivateKey` of PasswordProtectedKey
 *  and RecoveryKey credentials (dfns_password_protected_key_wrap).
 *  In:  private_key: PEM or DER. password: the password's bytes. username: the user's name.
 *  Returns: the envelope (not secret without the password).
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING,
 *          DFNS_ERR_UNSUPPORTED_ALGORITHM (not P-256). Thread-safe. */
inline std::string password_protected_key_wrap(bytes_view private_key, bytes_view password, std::string_view username) {
    const std::string user = detail::c_string(username);
    detail::library_text envelope;
    check(dfns_password_protected_key_wrap(private_key.data(), private_key.size(), password.data(), password.size(),
                                           user.c_str(), envelope.out()));
    return envelope.str();
}

/** Opens an envelope made by password_protected_key_wrap or a Dfns SDK
 *  (dfns_password_protected_key_unwrap).
 *  Returns: the PKCS#8 PEM: secret. The library's buffer is wiped before it is released; the
 *           returned std::string is the caller's to wipe (dfns::wipe).
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING or
 *          DFNS_ERR_WRONG_PASSWORD. Thread-safe. */
inline std::string password_protected_key_unwrap(std::string_view encrypted_private_key, bytes_view password,
                                                 std::string_view username) {
    const std::string envelope = detail::c_string(encrypted_private_key);
    const std::string user = detail::c_string(username);
    detail::library_text pem(true);
    check(dfns_password_protected_key_unwrap(envelope.c_str(), password.data(), password.size(), user.c_str(), pem.out()));
    return pem.str();
}

namespace detail {

/** password_protected_key_create and recovery_key_create: the C functions take the same arguments. */
inline std::string create_credential(decltype(&dfns_password_protected_key_create) create, std::string_view challenge,
                                     bytes_view secret, std::string_view username,
                                     const std::optional<std::string_view> &credential_name) {
    const std::string text = c_string(challenge);
    const std::string user = c_string(username);
    const std::optional<std::string> name = c_string_or_null(credential_name);
    library_text credential;
    check(create(text.c_str(), secret.data(), secret.size(), user.c_str(), c_ptr(name), credential.out()));
    return credential.str();
}

} // namespace detail

/** Creates a new PasswordProtectedKey credential for a registration or credential challenge: a new
 *  P-256 key, wrapped under the password, attested for `challenge` (dfns_password_protected_key_create).
 *  Returns: {"credentialKind":"PasswordProtectedKey","credentialInfo":{…}[,"credentialName"],
 *           "encryptedPrivateKey":…}, compact JSON.
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT or DFNS_ERR_SIGNER. Thread-safe. */
inline std::string password_protected_key_create(std::string_view challenge, bytes_view password, std::string_view username,
                                                 std::optional<std::string_view> credential_name = std::nullopt) {
    return detail::create_credential(&dfns_password_protected_key_create, challenge, password, username, credential_name);
}

/** Draws a new recovery code ("D1-" and 32 characters, about 160 bits) (dfns_recovery_code_generate).
 *  Returns: the code: secret, to show the user once. The library's buffer is wiped before it is
 *           released; the returned std::string is the caller's to wipe (dfns::wipe).
 *  Throws: dfns::Error with DFNS_ERR_SIGNER (the random source failed). Thread-safe. */
inline std::string generate_recovery_code() {
    detail::library_text code(true);
    check(dfns_recovery_code_generate(code.out()));
    return code.str();
}

/** Creates a new RecoveryKey credential for a registration or credential challenge: a new P-256 key,
 *  wrapped under the recovery code, attested for `challenge` (dfns_recovery_key_create).
 *  Returns: {"credentialKind":"RecoveryKey","credentialInfo":{…}[,"credentialName"],
 *           "encryptedPrivateKey":…}, compact JSON (the recoveryCredential of a registration).
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_WRONG_PASSWORD (a code not of the
 *          D1-XXXXXX-… format) or DFNS_ERR_SIGNER. Thread-safe. */
inline std::string recovery_key_create(std::string_view challenge, bytes_view recovery_code, std::string_view username,
                                       std::optional<std::string_view> credential_name = std::nullopt) {
    return detail::create_credential(&dfns_recovery_key_create, challenge, recovery_code, username, credential_name);
}

/** A passkey made by create_fido2_credential: the credential to send and a signer for it. */
struct Fido2Credential {
    /** {"credentialKind":"Fido2","credentialInfo":{"credId","clientData","attestationData"}[,"credentialName"]}. */
    std::string credential_json;
    /** A user-verifying passkey signer over the new credential. */
    Signer signer;
};

/** Creates a passkey on `authenticator` for a Dfns registration or credential challenge, as the end
 *  user's device does (dfns_fido2_credential_create; since 0.3). See the C function for what is
 *  read from the challenge.
 *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_UNSUPPORTED_ALGORITHM or
 *          DFNS_ERR_SIGNER. Thread-safe. */
inline Fido2Credential create_fido2_credential(const Authenticator &authenticator, std::string_view rp_id,
                                               std::string_view origin, std::string_view challenge_json,
                                               std::optional<std::string_view> credential_name = std::nullopt) {
    const std::string rp = detail::c_string(rp_id);
    const std::string o = detail::c_string(origin);
    const std::string challenge = detail::c_string(challenge_json);
    const std::optional<std::string> name = detail::c_string_or_null(credential_name);
    detail::library_text credential;
    dfns_signer_t *signer = nullptr;
    check(dfns_fido2_credential_create(authenticator.get(), rp.c_str(), o.c_str(), challenge.c_str(), detail::c_ptr(name),
                                       credential.out(), &signer));
    Fido2Credential created;
    created.signer.reset(signer);
    created.credential_json = credential.str();
    return created;
}

/* ----------------------------------------------------------------------------------------------
 * Dfns API client (since 0.2)
 *
 * A dfns::Client sends requests to the Dfns API, signing user actions with its Signer whenever the
 * protocol requires one. Calls are blocking and run the host's callbacks (transport, external
 * signer) on the calling thread; an exception such a callback throws reaches the caller of the
 * Client call unchanged (see the previous section).
 *
 * API errors do not throw. A 4xx/5xx answer (the C status DFNS_ERR_API) is an answer: request()
 * and delegated_complete() return its Result, whose http_status(), error_id(), request_id() and
 * body() describe it and whose outcome() is Outcome::failed, exactly as the C API hands out a
 * result with DFNS_ERR_API. A 404 that the caller expects, a 409 to retry with another name, a
 * 202 held by a policy are ordinary control flow; an exception would force a try block around
 * each of them and lose nothing the Result does not carry. Both functions are [[nodiscard]]:
 * check outcome() (or http_status()). Everything else that fails throws: dfns::Error for the
 * library's statuses (transport failures, signer failures, invalid arguments, a returned
 * signature that does not verify, ...), or the host callback's own exception.
 *
 * Thread safety: request(), delegated_init() and delegated_complete() are const and may run on
 * one Client from many threads at once; set_auth_token() and set_signer() are thread-safe as well,
 * also while requests run (a request keeps the token and signer it started with). Only
 * destruction, moves and assignment need exclusive access.
 * ------------------------------------------------------------------------------------------- */

/** Client options (dfns_client_options). A default-constructed ClientOptions holds the library's
 *  defaults, read from dfns_client_options_init; change what you need. */
struct ClientOptions {
    /** The library's defaults. Throws dfns::Error only on a header/library mismatch. */
    ClientOptions() : ClientOptions(library_defaults()) {}

    /** The options of a C struct (its strings are copied). */
    explicit ClientOptions(const dfns_client_options &options)
        : connect_timeout_ms(options.connect_timeout_ms),
          timeout_ms(options.timeout_ms),
          max_attempts(options.max_attempts),
          verify_returned_signatures(options.verify_returned_signatures != 0),
          allow_insecure_http(options.allow_insecure_http != 0),
          user_agent_suffix(optional_copy(options.user_agent_suffix)),
          ca_bundle_path(optional_copy(options.ca_bundle_path)) {}

    /** The longest wait for a connection, TLS included [10000]. */
    std::uint32_t connect_timeout_ms;
    /** The longest one exchange may take [30000]. */
    std::uint32_t timeout_ms;
    /** Total attempts of a retryable request, the first included; 1 never retries [3]. */
    std::uint32_t max_attempts;
    /** Check the signatures POST /keys/{keyId}/signatures returns before returning them [true]. */
    bool verify_returned_signatures;
    /** Accept http:// base URLs for hosts that are not loopback [false]. */
    bool allow_insecure_http;
    /** Appended to the User-Agent ("dfns-bridge/<version>") after a space [none]. */
    std::optional<std::string> user_agent_suffix;
    /** A PEM CA bundle for the libcurl transport instead of the system's [none]. */
    std::optional<std::string> ca_bundle_path;

    /** The C struct, starting from dfns_client_options_init. It borrows this object's strings:
     *  valid while this object lives unchanged. Throws dfns::Error(DFNS_ERR_INVALID_ARGUMENT) for a
     *  string with a NUL byte. */
    dfns_client_options c_struct() const {
        dfns_client_options options = library_defaults();
        options.connect_timeout_ms = connect_timeout_ms;
        options.timeout_ms = timeout_ms;
        options.max_attempts = max_attempts;
        options.verify_returned_signatures = verify_returned_signatures ? 1 : 0;
        options.allow_insecure_http = allow_insecure_http ? 1 : 0;
        options.user_agent_suffix = checked(user_agent_suffix);
        options.ca_bundle_path = checked(ca_bundle_path);
        return options;
    }

private:
    static dfns_client_options library_defaults() {
        dfns_client_options options;
        check(dfns_client_options_init(&options, sizeof options));
        return options;
    }
    static std::optional<std::string> optional_copy(const char *text) {
        if (text == nullptr) return std::nullopt;
        return std::string(text);
    }
    static const char *checked(const std::optional<std::string> &text) {
        if (!text) return nullptr;
        if (detail::contains_nul(*text))
            throw Error(DFNS_ERR_INVALID_ARGUMENT, "a client option string contains a NUL byte");
        return text->c_str();
    }
};

/** One request as a host transport receives it (a view of dfns_http_request): every field borrows
 *  the library's memory and is valid only while the transport function runs. */
struct HttpRequest {
    /** "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD". */
    std::string_view method;
    /** The absolute URL, percent-encoded, e.g. "https://api.dfns.io/wallets". */
    std::string_view url;
    /** The header fields in order (User-Agent included; the transport adds Host and Content-Length). */
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    /** The body, to send byte for byte (empty when the request has none; set Content-Length to its size). */
    bytes_view body;
    /** The client's connect timeout, to apply. */
    std::uint32_t connect_timeout_ms = 0;
    /** The client's total timeout, to apply. */
    std::uint32_t timeout_ms = 0;

    /** The value of the first header named `name` (ASCII case-insensitive), or std::nullopt. */
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        for (const auto &field : headers)
            if (equal_ignoring_case(field.first, name)) return field.second;
        return std::nullopt;
    }

    /** The view of a C request. */
    static HttpRequest from(const dfns_http_request &request) {
        HttpRequest view;
        view.method = request.method != nullptr ? std::string_view(request.method) : std::string_view();
        view.url = request.url != nullptr ? std::string_view(request.url) : std::string_view();
        if (request.header_names != nullptr && request.header_values != nullptr) {
            view.headers.reserve(request.header_count);
            for (std::size_t i = 0; i < request.header_count; ++i)
                view.headers.emplace_back(request.header_names[i], request.header_values[i]);
        }
        view.body = bytes_view(request.body, request.body != nullptr ? request.body_len : 0);
        view.connect_timeout_ms = request.connect_timeout_ms;
        view.timeout_ms = request.timeout_ms;
        return view;
    }

private:
    static bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
            const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
            if (x != y) return false;
        }
        return true;
    }
};

/** The answer a host transport returns: any HTTP status is an answer, 4xx and 5xx included (do not
 *  follow redirects). A status outside 100…599, a header name that is not an HTTP token, a value
 *  with CR, LF or NUL, or a Content-Length header that disagrees with the body make the exchange
 *  fail with DFNS_ERR_TRANSPORT_CALLBACK. */
struct HttpResponse {
    /** The HTTP status (0, the default, is refused: set it). */
    int status = 0;
    /** Header fields, in order; a name may repeat. Content-Length is optional. */
    std::vector<std::pair<std::string, std::string>> headers;
    /** The body bytes (at most 16 MiB). */
    std::string body;
};

/** A host transport for Client: sends one request exactly once (never retry: a user-action token
 *  is single use) and returns the answer. It is called on the thread of the Client call,
 *  concurrently when the client is shared (it must then be thread-safe), and destroyed with the
 *  client. When no complete response came, throw: a dfns::Error whose status is
 *  DFNS_ERR_TRANSPORT_CONNECT, _TIMEOUT, _TLS, _MALFORMED_RESPONSE or _RESPONSE_TOO_LARGE makes the
 *  attempt fail with that status (reads and other requests safe to repeat are then retried up to
 *  max_attempts); any other exception fails the call with DFNS_ERR_TRANSPORT_CALLBACK, unretried.
 *  Either way, when the call fails because of it, the exception of the last attempt is rethrown to
 *  the caller of the Client call. */
using Transport = std::function<HttpResponse(const HttpRequest &request)>;

/** Outcomes of a Result (dfns_outcome). */
enum class Outcome : int {
    done = DFNS_OUTCOME_DONE,       /**< a 2xx answer; an entity in its body did not fail and is not waiting */
    pending = DFNS_OUTCOME_PENDING, /**< 202 (held by a policy: see approval_id()), or a Pending/Executing entity */
    failed = DFNS_OUTCOME_FAILED    /**< a 4xx/5xx answer, or a Failed/Rejected entity (the request succeeded) */
};

/** The answer of one request (dfns_result_t): HTTP status, body, outcome, Dfns error id, request id,
 *  approval id. Immutable; const calls may run on many threads at once. Views it returns borrow
 *  the result: valid until it is freed, reset or assigned to (a move keeps them valid). Move-only. */
class Result : public detail::unique_handle<detail::result_traits> {
public:
    /** An empty result (owns nothing). */
    Result() noexcept = default;
    /** Takes ownership of a result created through the C API (may be null). */
    explicit Result(dfns_result_t *adopted) noexcept : unique_handle(adopted) {}

    /** The HTTP status of the answer (200, 202, 404, ...). Throws dfns::Error for an empty result. */
    int http_status() const {
        int status = 0;
        check(dfns_result_http_status(get(), &status));
        return status;
    }

    /** The response body as received (JSON for the Dfns API; possibly empty; may hold NUL bytes),
     *  borrowed. Throws dfns::Error for an empty result. */
    std::string_view body() const {
        const char *text = nullptr;
        std::size_t len = 0;
        check(dfns_result_body(get(), &text, &len));
        return text != nullptr ? std::string_view(text, len) : std::string_view();
    }

    /** The outcome: done, pending or failed. Throws dfns::Error for an empty result. */
    Outcome outcome() const {
        int value = 0;
        check(dfns_result_outcome(get(), &value));
        return static_cast<Outcome>(value);
    }

    /** The Dfns error id of a 4xx/5xx answer (e.g. "NotFound"), borrowed; std::nullopt for a
     *  success or an error body without one. */
    std::optional<std::string_view> error_id() const { return optional_text(dfns_result_error_id); }

    /** The server's request id (X-Request-ID), for support, borrowed; std::nullopt when absent. */
    std::optional<std::string_view> request_id() const { return optional_text(dfns_result_request_id); }

    /** The approval id of a pending answer held by a policy (the body's "approvalId"), borrowed;
     *  std::nullopt when absent. */
    std::optional<std::string_view> approval_id() const { return optional_text(dfns_result_approval_id); }

    /** The number of header fields of the answer (dfns_result_header_count; since 0.3). */
    std::size_t header_count() const {
        std::size_t count = 0;
        check(dfns_result_header_count(get(), &count));
        return count;
    }

    /** Header field `index` as {name, value}, in the order received, borrowed (dfns_result_header_at).
     *  Throws: dfns::Error with DFNS_ERR_NOT_FOUND for index >= header_count(). */
    std::pair<std::string_view, std::string_view> header_at(std::size_t index) const {
        const char *name = nullptr;
        const char *value = nullptr;
        check(dfns_result_header_at(get(), index, &name, &value));
        return {std::string_view(name != nullptr ? name : ""), std::string_view(value != nullptr ? value : "")};
    }

    /** The value of the first header field named `name` (ASCII case ignored), borrowed;
     *  std::nullopt when absent (dfns_result_header). */
    std::optional<std::string_view> header(std::string_view name) const {
        const std::string wanted = detail::c_string(name);
        const char *text = nullptr;
        const int status = dfns_result_header(get(), wanted.c_str(), &text);
        if (status == DFNS_ERR_NOT_FOUND) return std::nullopt;
        check(status);
        return text != nullptr ? std::optional<std::string_view>(text) : std::nullopt;
    }

private:
    std::optional<std::string_view> optional_text(int (*getter)(const dfns_result_t *, const char **)) const {
        const char *text = nullptr;
        const int status = getter(get(), &text);
        if (status == DFNS_ERR_NOT_FOUND) return std::nullopt;
        check(status);
        if (text == nullptr) return std::nullopt;
        return std::string_view(text);
    }
};

/** A dfns::Error for a 4xx/5xx answer that a call returning something else than a Result met
 *  (Client::delegated_init: the challenge request refused), carrying that answer. */
class ApiError : public Error {
public:
    ApiError(int status, std::string message, Result result)
        : Error(status, std::move(message)), result_(std::make_shared<const Result>(std::move(result))) {}

    /** The refused answer: HTTP status, Dfns error id, request id, headers, body. */
    const Result &result() const noexcept { return *result_; }

private:
    std::shared_ptr<const Result> result_; // shared: exception objects are copied
};

/** A Dfns API client (dfns_client_t). See the section comment for errors and thread safety.
 *  Move-only. */
class Client : public detail::unique_handle<detail::client_traits> {
public:
    /** An empty client (owns nothing; its calls throw DFNS_ERR_INVALID_ARGUMENT). */
    Client() noexcept = default;
    /** Takes ownership of a client created through the C API (may be null). */
    explicit Client(dfns_client_t *adopted) noexcept : unique_handle(adopted) {}

    /** A client (dfns_client_new).
     *  In: base_url: e.g. "https://api.dfns.io", or a gateway's "https://gw.example.com/dfns"
     *      (https://, or http:// on loopback or with allow_insecure_http).
     *      auth_token: the bearer token, or std::nullopt for none yet (set_auth_token). Copied.
     *      options: ClientOptions() (the defaults) or changed options. Copied.
     *      transport: empty for the libcurl transport, or the host's (see dfns::Transport); the
     *      client keeps it until it is destroyed.
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT (bad URL, token with CR/LF, bad options)
     *          or DFNS_ERR_UNSUPPORTED. */
    explicit Client(std::string_view base_url, std::optional<std::string_view> auth_token = std::nullopt,
                    const ClientOptions &options = ClientOptions(), Transport transport = Transport()) {
        const std::string url = detail::c_string(base_url);
        detail::wiped_string token;
        token.text = detail::c_string_or_null(auth_token);
        const dfns_client_options c_options = options.c_struct();
        std::unique_ptr<Transport> holder;
        dfns_transport c_transport{};
        if (transport) {
            holder = std::make_unique<Transport>(std::move(transport));
            c_transport.struct_size = sizeof c_transport;
            c_transport.send = &send_trampoline;
            c_transport.user = holder.get();
            c_transport.free_user = &free_transport;
        }
        check(dfns_client_new(url.c_str(), detail::c_ptr(token.text), &c_options, holder ? &c_transport : nullptr, out()));
        holder.release(); // the client owns it now: free_transport deletes it
    }

    /** Replaces the bearer token, or removes it with std::nullopt (dfns_client_set_auth_token).
     *  Thread-safe, also while requests run. Throws dfns::Error(DFNS_ERR_INVALID_ARGUMENT). */
    void set_auth_token(std::optional<std::string_view> auth_token) {
        detail::wiped_string token;
        token.text = detail::c_string_or_null(auth_token);
        check(dfns_client_set_auth_token(get(), detail::c_ptr(token.text)));
    }

    /** Sets the signer of user actions (dfns_client_set_signer). The client keeps its own
     *  reference: `signer` may be destroyed at once. Thread-safe, also while requests run.
     *  Throws: dfns::Error(DFNS_ERR_INVALID_ARGUMENT) for an empty client or an empty signer (to
     *          remove the signer, call clear_signer()). */
    void set_signer(const Signer &signer) {
        if (!signer) throw Error(DFNS_ERR_INVALID_ARGUMENT, "dfns::Client::set_signer: the signer is empty");
        check(dfns_client_set_signer(get(), signer.get()));
    }

    /** Removes the signer: requests that need a user action then throw DFNS_ERR_SIGNER_REQUIRED. */
    void clear_signer() { check(dfns_client_set_signer(get(), nullptr)); }

    /** Sends `method` `path` with `body_json`, signing a user action first when the protocol
     *  requires one (dfns_client_request).
     *  In:  method: "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD". path: relative to the base
     *       URL, starting with "/", with its query if any. body_json: the JSON body, sent byte for
     *       byte, or std::nullopt.
     *  Returns: the Result of a 2xx answer, and also of a 4xx/5xx answer (outcome() failed; see the
     *           section comment).
     *  Throws: dfns::Error with DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_SIGNER_REQUIRED, DFNS_ERR_SIGNER,
     *          DFNS_ERR_SIGNER_CALLBACK, DFNS_ERR_TRANSPORT_*, DFNS_ERR_API_INVALID_RESPONSE,
     *          DFNS_ERR_RETURNED_SIGNATURE_INVALID; or a host callback's exception. */
    [[nodiscard]] Result request(std::string_view method, std::string_view path,
                                 std::optional<std::string_view> body_json = std::nullopt) const {
        const std::string m = detail::c_string(method);
        const std::string p = detail::c_string(path);
        const std::optional<std::string> body = detail::c_string_or_null(body_json);
        dfns_result_t *result = nullptr;
        const detail::callback_scope scope;
        const int status = dfns_client_request(get(), m.c_str(), p.c_str(), detail::c_ptr(body), &result);
        return answer(scope, status, result);
    }

    /** Step one of a delegated request: the user-action challenge of `method` `path` `body_json`
     *  for another device to sign, e.g. with Signer::sign_challenge (dfns_client_delegated_init).
     *  Returns: {"method","path","body","challenge":{…}}, compact JSON: hand it to the device and
     *           keep it for delegated_complete.
     *  Throws: dfns::ApiError (DFNS_ERR_API) when the API refuses the challenge request, with its
     *          answer as result(); dfns::Error with DFNS_ERR_INVALID_ARGUMENT (also for a request
     *          that needs no user action), DFNS_ERR_TRANSPORT_*, DFNS_ERR_API_INVALID_RESPONSE; or a
     *          host callback's exception. */
    std::string delegated_init(std::string_view method, std::string_view path,
                               std::optional<std::string_view> body_json = std::nullopt) const {
        const std::string m = detail::c_string(method);
        const std::string p = detail::c_string(path);
        const std::optional<std::string> body = detail::c_string_or_null(body_json);
        detail::library_text challenge;
        dfns_result_t *refused = nullptr;
        const detail::callback_scope scope;
        const int status = dfns_client_delegated_init_with_result(get(), m.c_str(), p.c_str(), detail::c_ptr(body),
                                                                  challenge.out(), &refused);
        Result answer(refused); // owns it whatever happens next
        if (status == DFNS_ERR_API && answer) throw ApiError(status, dfns_last_error(), std::move(answer));
        scope.check(status);
        return challenge.str();
    }

    /** Step two: exchanges the device's signed first factor for a user-action token and sends the
     *  request of `challenge_json` exactly as it was at step one (dfns_client_delegated_complete).
     *  Nothing is retried.
     *  In:  challenge_json: what delegated_init returned. signed_first_factor_json: the device's
     *       firstFactor, e.g. from Signer::sign_challenge.
     *  Returns / Throws: as request(); an API error (the first factor refused, or the request's
     *           own 4xx/5xx) is returned as a Result. */
    [[nodiscard]] Result delegated_complete(std::string_view challenge_json, std::string_view signed_first_factor_json) const {
        const std::string challenge = detail::c_string(challenge_json);
        const std::string first_factor = detail::c_string(signed_first_factor_json);
        dfns_result_t *result = nullptr;
        const detail::callback_scope scope;
        const int status = dfns_client_delegated_complete(get(), challenge.c_str(), first_factor.c_str(), &result);
        return answer(scope, status, result);
    }

private:
    /** The Result of a request call: returned for DFNS_OK and for DFNS_ERR_API (the C API's
     *  exception to "outputs only on success"), thrown otherwise. */
    static Result answer(const detail::callback_scope &scope, int status, dfns_result_t *result) {
        Result owned(result); // owns it whatever happens next
        if (status == DFNS_ERR_API && owned) return owned;
        scope.check(status);
        return owned;
    }

    static bool is_network_status(int status) noexcept {
        return status == DFNS_ERR_TRANSPORT_CONNECT || status == DFNS_ERR_TRANSPORT_TIMEOUT ||
               status == DFNS_ERR_TRANSPORT_TLS || status == DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE ||
               status == DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE;
    }

    static int send_trampoline(void *user, const dfns_http_request *request, dfns_http_response_t *response) noexcept {
        detail::begin_callback();
        try {
            const Transport &transport = *static_cast<const Transport *>(user);
            const HttpResponse answer = transport(HttpRequest::from(*request));
            // A refused fill call fails the exchange whatever is returned; its own status says why.
            int status = dfns_http_response_set_status(response, answer.status);
            if (status != DFNS_OK) return status;
            for (const auto &field : answer.headers) {
                if (detail::contains_nul(field.first) || detail::contains_nul(field.second))
                    throw Error(DFNS_ERR_TRANSPORT_CALLBACK, "the transport's response has a header with a NUL byte");
                status = dfns_http_response_add_header(response, field.first.c_str(), field.second.c_str());
                if (status != DFNS_OK) return status;
            }
            status = dfns_http_response_append_body(
                response, reinterpret_cast<const std::uint8_t *>(answer.body.data()), answer.body.size());
            if (status != DFNS_OK) return status;
            return 0;
        } catch (const Error &error) {
            const int status = is_network_status(error.status()) ? error.status() : DFNS_ERR_TRANSPORT_CALLBACK;
            detail::keep_callback_exception(status);
            return status;
        } catch (...) {
            detail::keep_callback_exception(DFNS_ERR_TRANSPORT_CALLBACK);
            return DFNS_ERR_TRANSPORT_CALLBACK;
        }
    }
    static void free_transport(void *user) noexcept { delete static_cast<Transport *>(user); }
};

} // namespace dfns

#endif /* DFNS_BRIDGE_HPP */
