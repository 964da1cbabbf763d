import Hummingbird
import NIOCore

/// A streamed response body that keeps only a small budget of bytes between the handler
/// and the socket, so a fast reader of a large artifact cannot make the server hold it.
///
/// Each write is handed to the connection's event loop without waiting for it to be
/// written; the outbound writer only pushes back once the socket stops taking bytes. So
/// after every `budget` bytes the body waits for a no-op on that same event loop: the loop
/// runs its tasks in order, so by then every earlier write has reached the socket (or is
/// pending there, where writability applies).
enum PacedResponseBody {
    /// Bytes written before waiting for the event loop to catch up.
    static let budget = 2 << 20

    /// The body streaming `chunks`, paced on `eventLoop` when one is known.
    static func make<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, eventLoop: (any EventLoop)?) -> ResponseBody
    where Chunks.Element == ByteBuffer {
        guard let eventLoop else { return ResponseBody(asyncSequence: chunks) }
        return ResponseBody { writer in
            var unconfirmed = 0
            for try await chunk in chunks {
                unconfirmed += chunk.readableBytes
                try await writer.write(chunk)
                if unconfirmed >= budget {
                    try await eventLoop.submit {}.get()
                    unconfirmed = 0
                }
            }
            try await writer.finish(nil)
        }
    }
}
