/// The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on
/// Code", eq. 1): with n samples of which c are correct, pass@k = 1 − C(n−c, k) / C(n, k), computed
/// as their numerically stable product 1 − Π_{i=n−c+1..n} (1 − k/i) (DECODING.md).
public enum PassAtK {
    public static func estimate(samples n: Int, correct c: Int, k: Int) -> Double {
        precondition((0...n).contains(c) && (1...n).contains(k), "pass@\(k) needs 0 ≤ c ≤ n and 1 ≤ k ≤ n (c \(c), n \(n))")
        guard c > 0 else { return 0 }
        // Fewer than k wrong samples: every k-subset holds a correct one.
        if n - c < k { return 1 }
        var allWrong = 1.0
        for i in (n - c + 1)...n { allWrong *= 1 - Double(k) / Double(i) }
        return 1 - allWrong
    }
}
