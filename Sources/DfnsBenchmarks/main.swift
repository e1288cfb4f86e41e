print("dfns-bench")
