import CLibCBOR

/// Decodes untrusted CBOR with libcbor 0.8, behind a non-allocating pre-check.
///
/// Every decode runs the same pipeline:
/// 1. empty input and ``CBORDecodingOptions/maxInputLength`` are checked;
/// 2. ``CBORLengthGuard`` walks the first item with `cbor_stream_decode` (no allocation) and
///    rejects oversized declared lengths, excessive nesting, indefinite lengths and, in strict
///    mode, non-canonical encodings; it yields the item's exact length;
/// 3. `cbor_load` builds the tree for exactly those bytes, and must consume all of them;
/// 4. the tree is converted to ``CBORValue`` (rejecting duplicate keys and invalid UTF-8) and
///    released with `cbor_decref` on every path;
/// 5. for `decode` only: bytes left after the item throw ``CBORError/trailingBytes(count:)``.
///    This comes last, so `decode` reports trailing bytes exactly when `decodePrefix` would
///    have succeeded.
///
/// No input can make these functions trap; every failure is a thrown ``CBORError``.
/// All functions are thread-safe: they share no mutable state.
public enum CBORDecoder {
    /// Decodes exactly one item that must span the whole input.
    ///
    /// - Throws: ``CBORError/trailingBytes(count:)`` when bytes follow the item, plus every
    ///   error listed on ``CBORDecoder``'s pipeline.
    public static func decode(_ bytes: [UInt8], options: CBORDecodingOptions = .default) throws(CBORError) -> CBORValue {
        try bytes.withUnsafeBytes { buffer in
            decodeResult(buffer, options: options, wholeInput: true)
        }.get().value
    }

    /// Decodes exactly one item that must span the whole slice.
    ///
    /// - Throws: ``CBORError/trailingBytes(count:)`` when bytes follow the item, plus every
    ///   error listed on ``CBORDecoder``'s pipeline.
    public static func decode(_ bytes: ArraySlice<UInt8>, options: CBORDecodingOptions = .default) throws(CBORError) -> CBORValue {
        try bytes.withUnsafeBytes { buffer in
            decodeResult(buffer, options: options, wholeInput: true)
        }.get().value
    }

    /// Decodes exactly one item that must span the whole collection.
    ///
    /// Contiguous collections are read in place; others are copied once, after the length check.
    ///
    /// - Throws: ``CBORError/trailingBytes(count:)`` when bytes follow the item, plus every
    ///   error listed on ``CBORDecoder``'s pipeline.
    public static func decode(_ bytes: some Collection<UInt8>, options: CBORDecodingOptions = .default) throws(CBORError) -> CBORValue {
        let limit = options.effectiveMaxInputLength
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        let inPlace = bytes.withContiguousStorageIfAvailable { elements in
            decodeResult(UnsafeRawBufferPointer(elements), options: options, wholeInput: true)
        }
        if let inPlace {
            return try inPlace.get().value
        }
        return try decode(Array(bytes), options: options)
    }

    /// Decodes exactly one item that must span the whole buffer (for callers holding raw memory,
    /// such as a C ABI). The buffer is only read during the call.
    ///
    /// - Throws: ``CBORError/trailingBytes(count:)`` when bytes follow the item, plus every
    ///   error listed on ``CBORDecoder``'s pipeline.
    public static func decode(_ buffer: UnsafeRawBufferPointer, options: CBORDecodingOptions = .default) throws(CBORError) -> CBORValue {
        try decodeResult(buffer, options: options, wholeInput: true).get().value
    }

    /// Decodes one item at the start of `bytes` and returns it with the number of bytes it used.
    ///
    /// Bytes after the item are ignored (not even inspected). This is how authenticator data
    /// finds where the credential public key ends: `length` is libcbor's `cbor_load_result.read`.
    /// `length` counts from `bytes.startIndex`, whatever that index is.
    ///
    /// - Throws: every error listed on ``CBORDecoder``'s pipeline except
    ///   ``CBORError/trailingBytes(count:)``.
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>, options: CBORDecodingOptions = .default) throws(CBORError) -> (value: CBORValue, length: Int) {
        try bytes.withUnsafeBytes { buffer in
            decodeResult(buffer, options: options, wholeInput: false)
        }.get()
    }

    /// Decodes one item at the start of `bytes` and returns it with the number of bytes it used.
    ///
    /// - Throws: every error listed on ``CBORDecoder``'s pipeline except
    ///   ``CBORError/trailingBytes(count:)``.
    public static func decodePrefix(_ bytes: [UInt8], options: CBORDecodingOptions = .default) throws(CBORError) -> (value: CBORValue, length: Int) {
        try bytes.withUnsafeBytes { buffer in
            decodeResult(buffer, options: options, wholeInput: false)
        }.get()
    }

    /// Decodes one item at the start of `buffer` and returns it with the number of bytes it used.
    ///
    /// - Throws: every error listed on ``CBORDecoder``'s pipeline except
    ///   ``CBORError/trailingBytes(count:)``.
    public static func decodePrefix(_ buffer: UnsafeRawBufferPointer, options: CBORDecodingOptions = .default) throws(CBORError) -> (value: CBORValue, length: Int) {
        try decodeResult(buffer, options: options, wholeInput: false).get()
    }

    /// The pipeline, returning a `Result` so that it can run inside `withUnsafeBytes` closures.
    static func decodeResult(
        _ buffer: UnsafeRawBufferPointer, options: CBORDecodingOptions, wholeInput: Bool
    ) -> Result<(value: CBORValue, length: Int), CBORError> {
        Result { () throws(CBORError) in
            try decodeItem(buffer, options: options, wholeInput: wholeInput)
        }
    }

    /// Runs the pipeline steps on `buffer`.
    private static func decodeItem(
        _ buffer: UnsafeRawBufferPointer, options: CBORDecodingOptions, wholeInput: Bool
    ) throws(CBORError) -> (value: CBORValue, length: Int) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { throw .empty }
        let limit = options.effectiveMaxInputLength
        guard buffer.count <= limit else { throw .tooLarge(limit: limit) }

        let length = try CBORLengthGuard.itemLength(in: buffer, options: options)

        var result = cbor_load_result()
        var item = cbor_load(base.assumingMemoryBound(to: UInt8.self), length, &result)
        defer { if item != nil { cbor_decref(&item) } }
        guard let root = item, result.error.code == CBOR_ERR_NONE else {
            throw loadError(result.error)
        }
        guard result.read == length else {
            throw .malformed("libcbor read \(result.read) bytes of a \(length)-byte item")
        }
        let value = try CBORItemConverter.convert(root, depthBudget: options.effectiveMaxDepth)
        // Checked last, so that `decode` throws .trailingBytes exactly when `decodePrefix`
        // would succeed with a shorter length.
        if wholeInput && length < buffer.count {
            throw .trailingBytes(count: buffer.count - length)
        }
        return (value, length)
    }

    /// Maps a `cbor_load` failure that the pre-check did not predict.
    private static func loadError(_ error: cbor_error) -> CBORError {
        switch error.code {
        case CBOR_ERR_NOTENOUGHDATA: return .truncated
        case CBOR_ERR_NODATA: return .empty
        case CBOR_ERR_MEMERROR: return .malformed("an item libcbor could not allocate (position \(error.position))")
        case CBOR_ERR_SYNTAXERROR: return .malformed("a structure libcbor rejected (position \(error.position))")
        default: return .malformed("bytes libcbor rejected (position \(error.position))")
        }
    }
}
