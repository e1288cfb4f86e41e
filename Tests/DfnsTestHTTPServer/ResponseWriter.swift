import DfnsClient

/// Carries out a ``ResponseAction`` on a connection.
enum ResponseWriter {
    /// Performs `action` for `request`. Returns whether the connection may serve another request.
    static func perform(_ action: ResponseAction, for request: RequestReader.Request, descriptor: Int32, wake: Int32) -> Bool {
        switch action {
        case let .respond(status, headers, body):
            let bodyless = (100..<200).contains(status) || status == 204 || status == 304
            var fields = headers
            fields.remove(name: "Content-Length")
            if !bodyless {
                fields.add(name: "Content-Length", value: String(body.count))
            }
            if request.closeAfter {
                fields.set(name: "Connection", value: "close")
            }
            var bytes = head(status: status, headers: fields)
            if !bodyless && request.method != "HEAD" {
                bytes.append(contentsOf: body)
            }
            return Socket.sendAll(descriptor, bytes) && !request.closeAfter

        case let .truncated(status, headers, sentBody, declaredLength):
            var fields = headers
            fields.remove(name: "Content-Length")
            fields.add(name: "Content-Length", value: String(declaredLength))
            _ = Socket.sendAll(descriptor, head(status: status, headers: fields) + sentBody)
            return false

        case .garbage(let bytes):
            _ = Socket.sendAll(descriptor, bytes)
            return false

        case .closeWithoutReply:
            return false

        case .neverReply:
            Socket.holdUntilClosedOrStopping(descriptor, wake: wake)
            return false

        case let .largeBody(status, size, declaresLength):
            var fields = HTTPHeaders()
            fields.add(name: "Content-Type", value: "application/octet-stream")
            if declaresLength {
                fields.add(name: "Content-Length", value: String(max(size, 0)))
            } else {
                fields.add(name: "Connection", value: "close")
            }
            guard Socket.sendAll(descriptor, head(status: status, headers: fields)) else { return false }
            // The pattern repeats every 251 bytes: one buffer, sliced at offset % 251, serves every piece.
            let pieceSize = 64 * 1024
            let pattern = (0..<(pieceSize + 251)).map(ResponseAction.largeBodyByte(at:))
            var offset = 0
            while offset < size {
                let count = min(pieceSize, size - offset)
                let start = offset % 251
                // The client aborting on its size limit closes the connection: stop there.
                guard Socket.sendAll(descriptor, Array(pattern[start..<(start + count)])) else { return false }
                offset += count
            }
            return false
        }
    }

    /// A simple complete response that closes the connection (for requests the server refuses).
    static func refusal(status: Int, message: String) -> [UInt8] {
        let body = Array((message + "\n").utf8)
        let fields: HTTPHeaders = [
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": String(body.count),
            "Connection": "close",
        ]
        return head(status: status, headers: fields) + body
    }

    /// The status line, header lines and blank line.
    static func head(status: Int, headers: HTTPHeaders) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for field in headers {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
