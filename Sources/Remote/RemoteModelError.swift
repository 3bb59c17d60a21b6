/// Why a remote model could not answer; each names the server and what to do.
public enum RemoteModelError: Error, CustomStringConvertible, Equatable {
    case badURL(String)
    case unreachable(url: String, reason: String)
    case timedOut(url: String, seconds: Double)
    case unauthorised(url: String, message: String)
    case rejected(url: String, status: Int, message: String)
    case badAnswer(url: String, reason: String)
    case protocolVersion(url: String, server: Int, client: Int)
    case modelChanged(url: String, was: String, now: String)

    public var description: String {
        switch self {
        case let .badURL(text):
            return "--model \(text): not a server address; expected http://host:port"
        case let .unreachable(url, reason):
            return "model server \(url) is unreachable (\(reason)); is dscope-server running there (and the SSH tunnel open)?"
        case let .timedOut(url, seconds):
            return "model server \(url) did not answer within \(Int(seconds)) s; it may be overloaded or stuck (--server-timeout raises the limit)"
        case let .unauthorised(url, message):
            return "model server \(url) refused the token: \(message); pass --server-token or set DSCOPE_SERVER_TOKEN"
        case let .rejected(url, status, message):
            return "model server \(url) answered \(status): \(message)"
        case let .badAnswer(url, reason):
            return "model server \(url) sent an answer dscope cannot read: \(reason)"
        case let .protocolVersion(url, server, client):
            return "model server \(url) speaks protocol \(server), this dscope speaks \(client); install the dscope-server of this checkout (pip install ./server)"
        case let .modelChanged(url, was, now):
            return "model server \(url) now serves another model (\(now), was \(was)); restart the decode against it"
        }
    }
}
