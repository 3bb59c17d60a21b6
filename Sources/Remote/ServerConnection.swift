import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking HTTP calls to one dscope-server, with a bearer token and a time limit. The decoder
/// calls models from its forward queue, so waiting there is the right shape.
final class ServerConnection: @unchecked Sendable {
    // @unchecked: immutable after init; URLSession is thread-safe.
    let base: URL
    let token: String?
    let timeout: Double
    private let session: URLSession

    init(base: URL, token: String?, timeout: Double) {
        self.base = base
        self.token = token
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    var address: String { base.absoluteString }

    struct Answer {
        let body: Data
        let headers: [AnyHashable: Any]

        func header(_ name: String) -> String? {
            headers.first { ($0.key as? String)?.lowercased() == name.lowercased() }?.value as? String
        }
    }

    func get(_ path: String, timeout: Double? = nil) throws -> Answer {
        try send(request(path, timeout: timeout))
    }

    func post(_ path: String, json: Data) throws -> Answer {
        var request = request(path, timeout: nil)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = json
        return try send(request)
    }

    private func request(_ path: String, timeout: Double?) -> URLRequest {
        var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: timeout ?? self.timeout)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return request
    }

    private func send(_ request: URLRequest) throws -> Answer {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        session.dataTask(with: request) { data, response, error in
            box.value = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = box.value ?? (nil, nil, nil)
        if let error = error as? URLError {
            if error.code == .timedOut { throw RemoteModelError.timedOut(url: address, seconds: request.timeoutInterval) }
            throw RemoteModelError.unreachable(url: address, reason: error.localizedDescription)
        }
        if let error { throw RemoteModelError.unreachable(url: address, reason: "\(error)") }
        guard let http = response as? HTTPURLResponse, let data else {
            throw RemoteModelError.badAnswer(url: address, reason: "no HTTP response")
        }
        guard http.statusCode == 200 else {
            let message = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["error"] as? String
                ?? String(decoding: data.prefix(200), as: UTF8.self)
            if http.statusCode == 401 { throw RemoteModelError.unauthorised(url: address, message: message) }
            throw RemoteModelError.rejected(url: address, status: http.statusCode, message: message)
        }
        return Answer(body: data, headers: http.allHeaderFields)
    }
}

private final class ResultBox: @unchecked Sendable {
    // @unchecked: written once by the task's handler before the semaphore is signalled.
    var value: (Data?, URLResponse?, Error?)?
}
