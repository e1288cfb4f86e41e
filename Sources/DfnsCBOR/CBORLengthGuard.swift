import CLibCBOR
import DfnsEncoding

/// The pre-check that runs before `cbor_load` (c-abi-notes §7, webauthn-verification §8.1).
///
/// libcbor 0.8 allocates an array or map from its *declared* count before any element is read,
/// so 5 bytes (`9a 10 00 00 00`) make it allocate gigabytes. This walk uses libcbor's streaming
/// decoder, `cbor_stream_decode`, which only reports headers and never allocates, and rejects:
///
/// - declared string lengths larger than the remaining input
///   (``CBORError/declaredLengthExceedsInput``);
/// - a running total of declared array elements plus twice the declared map pairs that exceeds
///   the input length. Every slot is a distinct item of at least one byte, so no valid input is
///   rejected, and the total bounds everything `cbor_load` can allocate for containers;
/// - containers nested deeper than the effective maximum depth (``CBORError/tooDeep(limit:)``);
/// - indefinite-length items unless `allowIndefiniteLength` (and not `requireCanonical`); when
///   allowed, their chunks must be definite strings of the same type, maps must hold whole pairs,
///   and every `break` must close one. They declare no count, so they cannot amplify allocation;
/// - stray `break` codes, reserved additional information,
///   unassigned simple values and text strings that are not valid UTF-8;
/// - with `requireCanonical`: non-shortest arguments (integers, lengths, counts, tag numbers) and
///   map keys out of CTAP2 canonical order, compared on the raw key bytes.
///
/// Shortest-form checks use the raw initial byte (its additional information gives the argument
/// width) together with the value libcbor reports. That one rule covers integers, string lengths,
/// container counts and tag numbers alike, whereas `cbor_int_get_width` on the loaded tree would
/// only cover integers.
///
/// It returns the length of the first complete item, which is exactly what `cbor_load` then
/// consumes. Duplicate keys are checked later, on the decoded tree.
enum CBORLengthGuard {
    /// What the last streaming callback reported.
    struct StreamEvent {
        /// Which callback fired.
        var kind: Kind = .none
        /// Its argument: the integer, the string length, the element or pair count, or the tag.
        var argument: UInt64 = 0

        /// Callback categories.
        enum Kind {
            case none, unsigned, negative, bytes, text, array, map, tag
            case float, simple, breakCode
            case indefiniteBytes, indefiniteText, indefiniteArray, indefiniteMap
        }

        /// Stores an event through the context pointer; used by the C callbacks, which cannot capture.
        static func record(_ context: UnsafeMutableRawPointer?, _ kind: Kind, _ argument: UInt64) {
            guard let context else { return }
            let event = context.assumingMemoryBound(to: StreamEvent.self)
            event.pointee.kind = kind
            event.pointee.argument = argument
        }
    }

    /// One open container during the walk.
    struct Frame {
        /// Items still expected: elements for arrays, keys plus values for maps, 1 for tags.
        var remaining: Int
        /// Whether this is a map (its items alternate key, value).
        var isMap: Bool
        /// Start offset of the key being read (maps only, strict mode only).
        var keyStart: Int = 0
        /// Byte range of the previous complete key (maps only, strict mode only).
        var previousKey: Range<Int>? = nil
        /// For an indefinite-length item: what it is; `remaining` is unused and items are counted.
        var indefinite: StreamEvent.Kind? = nil
        /// Items read so far inside an indefinite-length item.
        var itemCount: Int = 0
    }

    /// The streaming callbacks. Each one records its kind and argument in the context.
    /// Non-capturing closures convert to C function pointers.
    static func makeCallbacks() -> cbor_callbacks {
        var callbacks = cbor_empty_callbacks
        callbacks.uint8 = { context, value in StreamEvent.record(context, .unsigned, UInt64(value)) }
        callbacks.uint16 = { context, value in StreamEvent.record(context, .unsigned, UInt64(value)) }
        callbacks.uint32 = { context, value in StreamEvent.record(context, .unsigned, UInt64(value)) }
        callbacks.uint64 = { context, value in StreamEvent.record(context, .unsigned, value) }
        callbacks.negint8 = { context, value in StreamEvent.record(context, .negative, UInt64(value)) }
        callbacks.negint16 = { context, value in StreamEvent.record(context, .negative, UInt64(value)) }
        callbacks.negint32 = { context, value in StreamEvent.record(context, .negative, UInt64(value)) }
        callbacks.negint64 = { context, value in StreamEvent.record(context, .negative, value) }
        callbacks.byte_string = { context, _, length in
            StreamEvent.record(context, .bytes, UInt64(UInt(bitPattern: length)))
        }
        callbacks.string = { context, _, length in
            StreamEvent.record(context, .text, UInt64(UInt(bitPattern: length)))
        }
        callbacks.array_start = { context, count in
            StreamEvent.record(context, .array, UInt64(UInt(bitPattern: count)))
        }
        callbacks.map_start = { context, count in
            StreamEvent.record(context, .map, UInt64(UInt(bitPattern: count)))
        }
        callbacks.tag = { context, value in StreamEvent.record(context, .tag, value) }
        callbacks.float2 = { context, _ in StreamEvent.record(context, .float, 0) }
        callbacks.float4 = { context, _ in StreamEvent.record(context, .float, 0) }
        callbacks.float8 = { context, _ in StreamEvent.record(context, .float, 0) }
        callbacks.boolean = { context, _ in StreamEvent.record(context, .simple, 0) }
        callbacks.null = { context in StreamEvent.record(context, .simple, 0) }
        callbacks.undefined = { context in StreamEvent.record(context, .simple, 0) }
        callbacks.byte_string_start = { context in StreamEvent.record(context, .indefiniteBytes, 0) }
        callbacks.string_start = { context in StreamEvent.record(context, .indefiniteText, 0) }
        callbacks.indef_array_start = { context in StreamEvent.record(context, .indefiniteArray, 0) }
        callbacks.indef_map_start = { context in StreamEvent.record(context, .indefiniteMap, 0) }
        callbacks.indef_break = { context in StreamEvent.record(context, .breakCode, 0) }
        return callbacks
    }

    /// Walks the first item of `buffer` and returns its encoded length.
    ///
    /// - Throws: ``CBORError/empty``, ``CBORError/truncated``, ``CBORError/malformed(_:)``,
    ///   ``CBORError/indefiniteLength``, ``CBORError/tooDeep(limit:)``,
    ///   ``CBORError/declaredLengthExceedsInput``, ``CBORError/unsupported(_:)``, and with
    ///   `requireCanonical` ``CBORError/nonCanonical(_:)``.
    static func itemLength(in buffer: UnsafeRawBufferPointer, options: CBORDecodingOptions) throws(CBORError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { throw .empty }
        let total = buffer.count
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let depthLimit = options.effectiveMaxDepth
        let strict = options.requireCanonical

        var callbacks = makeCallbacks()
        let event = UnsafeMutablePointer<StreamEvent>.allocate(capacity: 1)
        event.initialize(to: StreamEvent())
        defer {
            event.deinitialize(count: 1)
            event.deallocate()
        }

        var stack: [Frame] = []
        var offset = 0
        var declaredSlots = 0

        while true {
            guard offset < total else { throw .truncated }
            let remaining = total - offset
            let itemStart = offset
            let initialByte = bytes[itemStart]
            event.pointee = StreamEvent()
            let result = cbor_stream_decode(bytes + itemStart, remaining, &callbacks, UnsafeMutableRawPointer(event))
            switch result.status {
            case CBOR_DECODER_FINISHED:
                break
            case CBOR_DECODER_NEDATA:
                throw shortageError(initialByte: initialByte, remaining: remaining)
            default:
                throw decoderError(initialByte: initialByte, offset: itemStart)
            }
            guard result.read > 0, result.read <= remaining else {
                throw .malformed("an impossible read count from libcbor at offset \(itemStart)")
            }
            offset = itemStart + result.read

            let kind = event.pointee.kind
            let argument = event.pointee.argument

            if strict, let top = stack.indices.last, stack[top].isMap, stack[top].remaining % 2 == 0 {
                stack[top].keyStart = itemStart
            }
            if strict, kind.hasArgument, !isShortest(additionalInfo: initialByte & 0x1f, argument: argument) {
                throw .nonCanonical("a \(kind.noun) with a non-shortest argument (initial byte 0x\(Hex.encode(integer: initialByte))) at offset \(itemStart)")
            }

            if let top = stack.last, let open = top.indefinite, open == .indefiniteBytes || open == .indefiniteText,
               kind != .bytes, kind != .text, kind != .breakCode {
                throw .malformed("an indefinite-length string may only hold definite strings of its type, at offset \(itemStart)")
            }

            switch kind {
            case .none:
                throw .malformed("an item libcbor did not report (initial byte 0x\(Hex.encode(integer: initialByte))) at offset \(itemStart)")
            case .indefiniteBytes, .indefiniteText, .indefiniteArray, .indefiniteMap:
                guard options.allowIndefiniteLength, !strict else { throw .indefiniteLength }
                if let top = stack.last, top.indefinite == .indefiniteBytes || top.indefinite == .indefiniteText {
                    throw .malformed("a nested indefinite-length item inside an indefinite-length string at offset \(itemStart)")
                }
                guard stack.count < depthLimit else { throw .tooDeep(limit: depthLimit) }
                stack.append(Frame(remaining: 0, isMap: kind == .indefiniteMap, indefinite: kind))
                continue
            case .breakCode:
                guard let top = stack.indices.last, let open = stack[top].indefinite else {
                    throw .malformed("a break code (0xff) outside an indefinite-length item at offset \(itemStart)")
                }
                if open == .indefiniteMap && stack[top].itemCount % 2 != 0 {
                    throw .malformed("an indefinite-length map closed after a key without a value at offset \(itemStart)")
                }
                stack.removeLast()
                if try finishItem(endingAt: offset, stack: &stack, bytes: bytes, strict: strict) {
                    return offset
                }
                continue
            case .array, .map:
                guard var slots = Int(exactly: argument) else { throw .declaredLengthExceedsInput }
                if kind == .map {
                    let doubled = slots.multipliedReportingOverflow(by: 2)
                    guard !doubled.overflow else { throw .declaredLengthExceedsInput }
                    slots = doubled.partialValue
                }
                let sum = declaredSlots.addingReportingOverflow(slots)
                guard !sum.overflow, sum.partialValue <= total else { throw .declaredLengthExceedsInput }
                declaredSlots = sum.partialValue
                guard stack.count < depthLimit else { throw .tooDeep(limit: depthLimit) }
                if slots > 0 {
                    stack.append(Frame(remaining: slots, isMap: kind == .map))
                    continue
                }
            case .tag:
                guard stack.count < depthLimit else { throw .tooDeep(limit: depthLimit) }
                stack.append(Frame(remaining: 1, isMap: false))
                continue
            case .bytes, .text:
                if let top = stack.last, let open = top.indefinite, open == .indefiniteBytes || open == .indefiniteText,
                   (open == .indefiniteBytes) != (kind == .bytes) {
                    throw .malformed("a chunk of the wrong type inside an indefinite-length string at offset \(itemStart)")
                }
                // libcbor only reports a string once its whole body is present; check anyway.
                guard let length = Int(exactly: argument), length < result.read else {
                    throw .declaredLengthExceedsInput
                }
                // Validated here, with an offset, rather than by cbor_load's generic syntax error.
                if kind == .text, !isValidUTF8(UnsafeBufferPointer(start: bytes + (offset - length), count: length)) {
                    throw .malformed("a text string that is not valid UTF-8 at offset \(itemStart)")
                }
            case .unsigned, .negative, .float, .simple:
                break
            }

            if try finishItem(endingAt: offset, stack: &stack, bytes: bytes, strict: strict) {
                return offset
            }
        }
    }

    /// Records that an item ended at `end`: counts it against the enclosing containers, closes
    /// every container it completes, and in strict mode checks map key order.
    ///
    /// - Returns: `true` when the outermost item is complete.
    private static func finishItem(
        endingAt end: Int, stack: inout [Frame], bytes: UnsafePointer<UInt8>, strict: Bool
    ) throws(CBORError) -> Bool {
        while let top = stack.indices.last {
            if stack[top].indefinite != nil {
                // An indefinite-length item ends only at its break code.
                stack[top].itemCount += 1
                return false
            }
            stack[top].remaining -= 1
            if strict, stack[top].isMap, stack[top].remaining % 2 == 1 {
                // The item that just ended was a key.
                let key = stack[top].keyStart..<end
                if let previous = stack[top].previousKey {
                    let order = CBORCanonicalOrder.compare(
                        UnsafeBufferPointer(start: bytes + previous.lowerBound, count: previous.count),
                        UnsafeBufferPointer(start: bytes + key.lowerBound, count: key.count))
                    // Equal encodings are duplicates, reported with the key after decoding.
                    if order == .descending {
                        throw .nonCanonical("map keys not in CTAP2 canonical order (key at offset \(key.lowerBound) sorts before the previous key)")
                    }
                }
                stack[top].previousKey = key
            }
            if stack[top].remaining > 0 { return false }
            stack.removeLast()
        }
        return true
    }

    /// Whether `body` is well-formed UTF-8 (no overlong forms, surrogates or values above
    /// U+10FFFF), checked without allocating.
    static func isValidUTF8(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = body.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether `argument` is encoded in the shortest form, given the header's additional information.
    static func isShortest(additionalInfo: UInt8, argument: UInt64) -> Bool {
        switch additionalInfo {
        case 0..<24: return true
        case 24: return argument >= 24
        case 25: return argument > 0xff
        case 26: return argument > 0xffff
        case 27: return argument > 0xffff_ffff
        default: return true
        }
    }

    /// The number of header bytes implied by an initial byte, or `nil` for reserved values.
    static func headerLength(initialByte: UInt8) -> Int? {
        switch initialByte & 0x1f {
        case 0..<24: return 1
        case 24: return 2
        case 25: return 3
        case 26: return 5
        case 27: return 9
        case 31: return 1
        default: return nil
        }
    }

    /// Classifies a `CBOR_DECODER_NEDATA` result: a string whose complete header declares more
    /// bytes than remain is a declared-length violation; anything else is a cut-off header.
    static func shortageError(initialByte: UInt8, remaining: Int) -> CBORError {
        let major = initialByte >> 5
        if major == 2 || major == 3, let header = headerLength(initialByte: initialByte), remaining >= header {
            return .declaredLengthExceedsInput
        }
        return .truncated
    }

    /// Classifies a `CBOR_DECODER_ERROR` result from the initial byte.
    static func decoderError(initialByte: UInt8, offset: Int) -> CBORError {
        let major = initialByte >> 5
        let info = initialByte & 0x1f
        if major == 7 && (info < 20 || info == 24) {
            let value = info == 24 ? "a one-byte simple value (0xf8)" : "simple value \(info)"
            return .unsupported("\(value) at offset \(offset); only false, true, null, undefined and floats are decoded")
        }
        if info >= 28 && info <= 30 {
            return .malformed("reserved additional information \(info) in major type \(major) at offset \(offset)")
        }
        if info == 31 {
            return .malformed("additional information 31 is not allowed with major type \(major) (offset \(offset))")
        }
        return .malformed("an undecodable initial byte 0x\(Hex.encode(integer: initialByte)) at offset \(offset)")
    }
}

extension CBORLengthGuard.StreamEvent.Kind {
    /// Whether the header carries an integer argument that shortest-form rules apply to.
    var hasArgument: Bool {
        switch self {
        case .unsigned, .negative, .bytes, .text, .array, .map, .tag: return true
        case .none, .float, .simple, .breakCode, .indefiniteBytes, .indefiniteText, .indefiniteArray, .indefiniteMap: return false
        }
    }

    /// A short noun for messages.
    var noun: String {
        switch self {
        case .unsigned: return "unsigned integer"
        case .negative: return "negative integer"
        case .bytes: return "byte string length"
        case .text: return "text string length"
        case .array: return "array count"
        case .map: return "map count"
        case .tag: return "tag number"
        case .float: return "float"
        case .simple: return "simple value"
        case .none, .breakCode, .indefiniteBytes, .indefiniteText, .indefiniteArray, .indefiniteMap: return "item"
        }
    }
}
