import DfnsEncoding
import Hummingbird
import NIOCore

/// JSON response bodies, written with the library's JSON writer (compact, members in the order
/// given), so the sandbox answers exactly the bytes its wire types describe.
public enum JSONResponse {
    public static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONWriter.bytes(value)
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
