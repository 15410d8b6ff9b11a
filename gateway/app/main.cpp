#include <iostream>
int main() { std::cout << "creditgw: under construction\n"; return 0; }
